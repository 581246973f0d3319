// Store conformance suite for sticker packs (store.h, "--- sticker packs ---"): packs, their
// stickers and order, collections, who may use a sticker, the recent row, and a sticker
// message that keeps its sticker, keywords (searchable) and image after its pack is deleted.
// Every Store implementation must pass it (tests/store/backends.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"
#include "tests/support/temp_dir.h"

namespace parley::store {
namespace {

using testing_support::TempDir;

class StickerStoreTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    auto opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto user = store_->CreateUser({name, name, "$argon2id$x", 1000});
      ASSERT_TRUE(user.ok()) << user.status().message();
      users_.push_back(user->id);
    }
  }

  Status InTxn(const std::function<Status(WriteTxn&)>& body) {
    Status result = Status(Code::kInternal, "body not run");
    Status written = store_->Write([&](WriteTxn& txn) {
      result = body(txn);
      return Status::Ok();
    });
    return written.ok() ? result : written;
  }

  // A PNG of `owner` (media row only: the store does not look at bytes).
  std::string Image(int64_t owner, const std::string& id) {
    Media media{.id = id,
                .owner_id = owner,
                .kind = "image",
                .mime = "image/png",
                .size = 10,
                .name = "s.png",
                .digest = "d-" + id,
                .created_at = 2000};
    EXPECT_TRUE(InTxn([&](WriteTxn& txn) { return txn.CreateMedia(media); }).ok());
    return id;
  }

  int64_t CreatePack(int64_t owner, const std::string& slug) {
    int64_t id = 0;
    Status s = InTxn([&](WriteTxn& txn) -> Status {
      auto created = txn.CreateStickerPack({.slug = slug, .owner_id = owner, .name = slug});
      if (!created.ok()) return created.status();
      id = *created;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }

  int64_t AddSticker(int64_t pack_id, const std::string& media_id, const std::string& keywords) {
    int64_t id = 0;
    Status s = InTxn([&](WriteTxn& txn) -> Status {
      auto added =
          txn.AddSticker({.pack_id = pack_id, .media_id = media_id, .keywords = keywords}, 3000);
      if (!added.ok()) return added.status();
      id = *added;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }

  bool Usable(int64_t user, int64_t sticker) {
    bool usable = false;
    EXPECT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                  auto found = txn.UsableSticker(user, sticker);
                  if (!found.ok()) return found.status();
                  usable = found->has_value();
                  return Status::Ok();
                }).ok());
    return usable;
  }

  std::vector<std::string> ShelfSlugs(int64_t user) {
    std::vector<std::string> slugs;
    auto packs = store_->StickerCollection(user);
    EXPECT_TRUE(packs.ok());
    if (packs.ok()) {
      for (const StickerPack& pack : *packs) slugs.push_back(pack.slug);
    }
    return slugs;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> users_;
};

TEST_P(StickerStoreTest, TheBuiltInPackIsThereForEveryone) {
  auto pack = store_->FindStickerPack(kDefaultStickerPackSlug);
  ASSERT_TRUE(pack.ok() && pack->has_value());
  EXPECT_EQ((*pack)->owner_id, 0);
  ASSERT_EQ((*pack)->stickers.size(), 8u);
  for (const Sticker& sticker : (*pack)->stickers) {
    EXPECT_TRUE(sticker.media_id.empty());
    EXPECT_FALSE(sticker.keywords.empty());
  }
  EXPECT_EQ(ShelfSlugs(users_[2]), std::vector<std::string>{"default"});
  EXPECT_TRUE(Usable(users_[2], (*pack)->stickers.front().id));
}

TEST_P(StickerStoreTest, PacksKeepTheirStickersInOrderAndMakeTheirImagesPublic) {
  const int64_t pack = CreatePack(users_[0], "p1");
  const int64_t first = AddSticker(pack, Image(users_[0], "m_a"), "cat");
  const int64_t second = AddSticker(pack, Image(users_[0], "m_b"), "dog");
  auto media = store_->FindMedia("m_a");
  ASSERT_TRUE(media.ok());
  EXPECT_TRUE(media->is_public);
  EXPECT_EQ(media->attached_at, 3000);

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.SetStickerOrder(pack, {second, first});
              }).ok());
  auto found = store_->FindStickerPack("p1");
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_EQ((*found)->stickers.size(), 2u);
  EXPECT_EQ((*found)->stickers[0].id, second);
  EXPECT_EQ((*found)->stickers[1].keywords, "cat");
  ASSERT_TRUE((*found)->stickers[1].media.has_value());
  EXPECT_EQ((*found)->stickers[1].media->mime, "image/png");

  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.RemoveSticker(pack + 99, first); }).code(),
            Code::kNotFound);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.RemoveSticker(pack, first); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.RemoveSticker(pack, first); }).code(),
            Code::kNotFound);
  EXPECT_EQ(
      InTxn([&](WriteTxn& txn) -> Status {
        return txn.AddSticker({.pack_id = pack, .media_id = "m_none", .keywords = "x"}, 1).status();
      }).code(),
      Code::kNotFound);
  EXPECT_EQ(InTxn([&](WriteTxn& txn) -> Status {
              return txn.CreateStickerPack({.slug = "p1", .owner_id = users_[1], .name = "again"})
                  .status();
            }).code(),
            Code::kConflict);
}

TEST_P(StickerStoreTest, OnlyOwnedCollectedOrBuiltInStickersAreUsable) {
  const int64_t pack = CreatePack(users_[0], "mine");
  const int64_t sticker = AddSticker(pack, Image(users_[0], "m_c"), "wow");
  EXPECT_TRUE(Usable(users_[0], sticker));
  EXPECT_FALSE(Usable(users_[1], sticker));
  EXPECT_FALSE(Usable(users_[1], 999999));

  auto collected = Result<bool>(false);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                collected = txn.SetStickerPackCollected(users_[1], pack, true);
                return collected.status();
              }).ok());
  EXPECT_TRUE(*collected);
  EXPECT_TRUE(Usable(users_[1], sticker));
  EXPECT_EQ(ShelfSlugs(users_[1]), (std::vector<std::string>{"default", "mine"}));
  auto count = Result<int64_t>(0);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                count = txn.CollectedStickerPackCount(users_[1]);
                return count.status();
              }).ok());
  EXPECT_EQ(*count, 1);

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.SetStickerPackCollected(users_[1], pack, false).status();
              }).ok());
  EXPECT_FALSE(Usable(users_[1], sticker));
  // The owner may drop their own pack from the shelf and still send its stickers.
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.SetStickerPackCollected(users_[0], pack, false).status();
              }).ok());
  EXPECT_TRUE(Usable(users_[0], sticker));
}

TEST_P(StickerStoreTest, CollectionsKeepTheirOrder) {
  const int64_t a = CreatePack(users_[0], "a");
  const int64_t b = CreatePack(users_[0], "b");
  const int64_t c = CreatePack(users_[1], "c");
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.SetStickerPackCollected(users_[0], c, true).status();
              }).ok());
  EXPECT_EQ(ShelfSlugs(users_[0]), (std::vector<std::string>{"default", "a", "b", "c"}));
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.SetStickerCollectionOrder(users_[0], {c, a, b});
              }).ok());
  EXPECT_EQ(ShelfSlugs(users_[0]), (std::vector<std::string>{"default", "c", "a", "b"}));
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteStickerPack(c); }).ok());
  EXPECT_EQ(ShelfSlugs(users_[0]), (std::vector<std::string>{"default", "a", "b"}));
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.DeleteStickerPack(c); }).code(), Code::kNotFound);
}

TEST_P(StickerStoreTest, RecentKeepsTheLastUsedAndForgetsDeletedPacks) {
  const int64_t pack = CreatePack(users_[0], "r");
  const int64_t own = AddSticker(pack, Image(users_[0], "m_r"), "own");
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                for (int64_t sticker : {int64_t{1}, int64_t{2}, int64_t{3}}) {
                  Status s = txn.TouchRecentSticker(users_[0], sticker, 100 + sticker, 3);
                  if (!s.ok()) return s;
                }
                Status s = txn.TouchRecentSticker(users_[0], own, 200, 3);
                if (!s.ok()) return s;
                return txn.TouchRecentSticker(users_[0], 2, 300, 3);
              }).ok());
  auto recent = store_->RecentStickers(users_[0]);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 3u);  // sticker 1, the oldest, fell off
  EXPECT_EQ((*recent)[0].id, 2);
  EXPECT_EQ((*recent)[1].id, own);
  ASSERT_TRUE((*recent)[1].media.has_value());
  EXPECT_EQ((*recent)[2].id, 3);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteStickerPack(pack); }).ok());
  recent = store_->RecentStickers(users_[0]);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->size(), 2u);
}

TEST_P(StickerStoreTest, AStickerMessageOutlivesItsPackAndIsFoundByItsKeywords) {
  const int64_t pack = CreatePack(users_[0], "gone");
  const int64_t sticker = AddSticker(pack, Image(users_[0], "m_s"), "banana");
  Message stored;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto conversation = txn.DirectConversation(users_[0], users_[1]);
                if (!conversation.ok()) return conversation.status();
                Message message{.conversation_id = *conversation,
                                .sender_id = users_[0],
                                .client_id = "s1",
                                .text = "banana",
                                .created_at = 5000,
                                .kind = MessageKind::kSticker};
                message.media.emplace().id = "m_s";
                message.sticker = sticker;
                auto appended = txn.Append(std::move(message));
                if (!appended.ok()) return appended.status();
                stored = *appended;
                return txn.AttachMedia("m_s", stored.conversation_id, stored.seq, 5000);
              }).ok());
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteStickerPack(pack); }).ok());

  auto messages = store_->MessagesAfter(stored.conversation_id, 0, 10);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 1u);
  const Message& read = messages->front();
  EXPECT_EQ(read.kind, MessageKind::kSticker);
  EXPECT_EQ(read.sticker, sticker);
  ASSERT_TRUE(read.media.has_value());
  EXPECT_EQ(read.media->mime, "image/png");
  auto readable = store_->MediaReadableBy("m_s", users_[1]);
  ASSERT_TRUE(readable.ok());
  EXPECT_TRUE(*readable);

  auto summaries = store_->ListConversations(users_[1]);
  ASSERT_TRUE(summaries.ok());
  ASSERT_EQ(summaries->size(), 1u);
  EXPECT_EQ(summaries->front().unread, 1);
  ASSERT_TRUE(summaries->front().last_message.has_value());
  EXPECT_EQ(summaries->front().last_message->sticker, sticker);

  ASSERT_TRUE(store_->IndexQueuedForSearch(100).ok());
  auto page = store_->SearchMessages({.user_id = users_[1], .text = "banana"});
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->hits.size(), 1u);
  EXPECT_EQ(page->hits.front().message.kind, MessageKind::kSticker);
}

INSTANTIATE_TEST_SUITE_P(Backends, StickerStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
