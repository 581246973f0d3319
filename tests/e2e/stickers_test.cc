// End-to-end tests of sticker packs (docs/protocol.md, "Sticker packs") against a real
// parleyd: the authorization table (owner, collector, stranger for every pack action), the
// caps and hostile input with their typed errors, and sticker messages: who may send which
// sticker, the frame recipients get live and on catch-up, search by keywords, the recent row,
// and a sticker that stays visible after its pack is deleted.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/media/media_samples.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}
Code CodeOf(const Status& status) { return status.code(); }

class StickersTest : public ::testing::Test {
 protected:
  enum User { kAlice = 0, kBob = 1, kCarol = 2 };

  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (const char* name : {"alice", "bob", "carol"}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      users_.push_back(std::move(created).value());
    }
    for (const TestUser& user : users_) apis_.push_back(ApiFor(*server_, &user));
  }

  client::HttpApi& api(int user) { return *apis_[user]; }
  int64_t id(int user) const { return users_[user].id; }

  // An image of `format` uploaded by `user`: its media id.
  std::string Upload(int user, const std::string& format, int pages = 1) {
    auto media = api(user).Upload("s." + format, "image",
                                  media::testing::EncodeImage(format, 16, 16, pages));
    EXPECT_TRUE(IsOk(media)) << server_->output();
    return media.ok() ? (*media)["id"].get<std::string>() : "";
  }

  std::string CreatePack(int user, const std::string& name) {
    auto pack = api(user).CreateStickerPack(name);
    EXPECT_TRUE(IsOk(pack)) << server_->output();
    return pack.ok() ? (*pack)["slug"].get<std::string>() : "";
  }

  int64_t AddSticker(int user, const std::string& slug, const std::string& keywords,
                     const std::string& format = "png") {
    auto sticker = api(user).AddSticker(slug, Upload(user, format), keywords);
    EXPECT_TRUE(IsOk(sticker)) << server_->output();
    return sticker.ok() ? (*sticker)["id"].get<int64_t>() : 0;
  }

  std::vector<int64_t> StickerIds(int user, const std::string& slug) {
    std::vector<int64_t> ids;
    auto pack = api(user).StickerPack(slug);
    EXPECT_TRUE(IsOk(pack));
    if (pack.ok()) {
      for (const json& s : (*pack)["stickers"]) ids.push_back(s["id"].get<int64_t>());
    }
    return ids;
  }

  std::vector<std::string> ShelfSlugs(int user) {
    std::vector<std::string> slugs;
    auto shelf = api(user).StickerShelf();
    EXPECT_TRUE(IsOk(shelf));
    if (shelf.ok()) {
      for (const json& p : (*shelf)["packs"]) slugs.push_back(p["slug"].get<std::string>());
    }
    return slugs;
  }

  std::unique_ptr<client::WsClient> Connect(int user, client::SyncResult* sync = nullptr) {
    auto ws = ConnectUser(*server_, users_[user], {}, sync);
    EXPECT_TRUE(IsOk(ws)) << server_->output();
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
};

// The authorization table of docs/protocol.md: owner, collector and stranger for each action.
TEST_F(StickersTest, OnlyTheOwnerChangesAPackAndAnyoneWithTheLinkMayCollectIt) {
  const std::string slug = CreatePack(kAlice, "cats");
  const int64_t first = AddSticker(kAlice, slug, "cat happy");
  const int64_t second = AddSticker(kAlice, slug, "cat sad", "gif");
  ASSERT_TRUE(IsOk(api(kBob).CollectStickerPack(slug)));  // bob collects; carol is a stranger

  for (int other : {kBob, kCarol}) {
    SCOPED_TRACE(other);
    auto pack = api(other).StickerPack(slug);  // open by link
    ASSERT_TRUE(IsOk(pack));
    EXPECT_FALSE((*pack)["mine"].get<bool>());
    EXPECT_EQ((*pack)["stickers"].size(), 2u);
    const std::string theirs = Upload(other, "png");
    EXPECT_EQ(CodeOf(api(other).AddSticker(slug, theirs, "mine now")), Code::kForbidden);
    EXPECT_EQ(CodeOf(api(other).RemoveSticker(slug, first)), Code::kForbidden);
    EXPECT_EQ(CodeOf(api(other).ReorderStickers(slug, {second, first})), Code::kForbidden);
    EXPECT_EQ(CodeOf(api(other).DeleteStickerPack(slug)), Code::kForbidden);
  }
  EXPECT_EQ(StickerIds(kAlice, slug), (std::vector<int64_t>{first, second}));

  // The owner may do all of it.
  ASSERT_TRUE(IsOk(api(kAlice).ReorderStickers(slug, {second, first})));
  EXPECT_EQ(StickerIds(kCarol, slug), (std::vector<int64_t>{second, first}));
  ASSERT_TRUE(IsOk(api(kAlice).RemoveSticker(slug, second)));
  EXPECT_EQ(StickerIds(kBob, slug), (std::vector<int64_t>{first}));
  EXPECT_EQ(CodeOf(api(kAlice).RemoveSticker(slug, second)), Code::kNotFound);

  // Collections: the stranger adds it, everyone reorders and drops their own.
  ASSERT_TRUE(IsOk(api(kCarol).CollectStickerPack(slug)));
  ASSERT_TRUE(IsOk(api(kCarol).CollectStickerPack(slug)));  // twice is fine
  const std::string own = CreatePack(kCarol, "carol's");
  EXPECT_EQ(ShelfSlugs(kCarol), (std::vector<std::string>{"default", slug, own}));
  ASSERT_TRUE(IsOk(api(kCarol).ReorderStickerCollection({own, slug})));
  EXPECT_EQ(ShelfSlugs(kCarol), (std::vector<std::string>{"default", own, slug}));
  ASSERT_TRUE(IsOk(api(kCarol).CollectStickerPack(slug, false)));
  EXPECT_EQ(ShelfSlugs(kCarol), (std::vector<std::string>{"default", own}));
  EXPECT_EQ(CodeOf(api(kCarol).CollectStickerPack("default")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kCarol).CollectStickerPack(std::string(32, 'f'))), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kCarol).StickerPack("../../etc/passwd")), Code::kNotFound);

  // Deleting: the owner's pack leaves every collection.
  ASSERT_TRUE(IsOk(api(kAlice).DeleteStickerPack(slug)));
  EXPECT_EQ(ShelfSlugs(kBob), (std::vector<std::string>{"default"}));
  EXPECT_EQ(CodeOf(api(kBob).StickerPack(slug)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).DeleteStickerPack(slug)), Code::kNotFound);
}

TEST_F(StickersTest, HostileInputGetsTypedErrorsAndCapsHold) {
  auto create = [&](const json& body) {
    auto response = api(kAlice).Request("POST", "/api/v1/stickers/packs", body.dump());
    if (!response.ok() || response->status < 400) return std::string();
    return response->body.value("error", json::object()).value("code", std::string());
  };
  EXPECT_EQ(create(json{{"name", ""}}), "invalid_argument");
  EXPECT_EQ(create(json{{"name", std::string(65, 'n')}}), "too_large");
  EXPECT_EQ(create(json{{"name", "bell\x07"}}), "invalid_argument");
  EXPECT_EQ(create(json{{"name", 5}}), "malformed");
  EXPECT_EQ(create(json::object()), "malformed");
  auto raw = api(kAlice).Request("POST", "/api/v1/stickers/packs", std::string("{\"name\": "));
  ASSERT_TRUE(IsOk(raw));
  EXPECT_EQ(raw->status, 400);

  const std::string slug = CreatePack(kAlice, "p");
  const std::string image = Upload(kAlice, "png");
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, image, std::string(65, 'k'))), Code::kTooLarge);
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, image, "")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, image, "a\nb")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, "m_nope", "x")), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, Upload(kBob, "png"), "x")), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, Upload(kAlice, "jpeg"), "x")),
            Code::kUnsupportedMedia);
  auto file = api(kAlice).Upload("notes.txt", "file", "just text");
  ASSERT_TRUE(IsOk(file));
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, (*file)["id"].get<std::string>(), "x")),
            Code::kUnsupportedMedia);
  // Animated WebP and GIF are stickers too.
  EXPECT_NE(AddSticker(kAlice, slug, "moving", "webp"), 0);
  auto animated = api(kAlice).AddSticker(slug, Upload(kAlice, "gif", 3), "anim");
  EXPECT_TRUE(IsOk(animated));

  const std::vector<int64_t> ids = StickerIds(kAlice, slug);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(CodeOf(api(kAlice).ReorderStickers(slug, {ids[0]})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kAlice).ReorderStickers(slug, {ids[0], ids[0]})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kAlice).ReorderStickers(slug, {ids[0], ids[1], 999})),
            Code::kInvalidArgument);
  auto order = api(kAlice).Request("PUT", "/api/v1/stickers/packs/" + slug + "/order",
                                   json{{"stickers", "1,2"}}.dump());
  ASSERT_TRUE(IsOk(order));
  EXPECT_EQ(order->status, 400);
  EXPECT_EQ(CodeOf(api(kAlice).ReorderStickerCollection({slug, slug})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kAlice).ReorderStickerCollection({"default", slug})),
            Code::kInvalidArgument);

  // 20 packs of one's own at most.
  for (int i = 1; i < 20; ++i) ASSERT_FALSE(CreatePack(kAlice, "p" + std::to_string(i)).empty());
  EXPECT_EQ(CodeOf(api(kAlice).CreateStickerPack("one too many")), Code::kQuotaExceeded);
  // 60 stickers in a pack at most (one image may be added many times).
  for (int i = static_cast<int>(ids.size()); i < 60; ++i) {
    ASSERT_TRUE(IsOk(api(kAlice).AddSticker(slug, image, "n" + std::to_string(i))));
  }
  EXPECT_EQ(CodeOf(api(kAlice).AddSticker(slug, image, "full")), Code::kQuotaExceeded);
}

TEST_F(StickersTest, StickerMessagesArriveConvergeAndAreFoundByKeywords) {
  ASSERT_TRUE(IsOk(api(kAlice).SendFriendRequest(id(kBob))));
  ASSERT_TRUE(IsOk(api(kBob).AcceptFriendRequest(id(kAlice))));
  const std::string slug = CreatePack(kAlice, "fruit");
  const int64_t banana = AddSticker(kAlice, slug, "banana yellow");
  auto alice = Connect(kAlice);
  auto bob = Connect(kBob);
  ASSERT_TRUE(alice && bob);

  // A built-in sticker, then one of alice's own.
  auto ack = alice->SendFields({{"to", id(kBob)}, {"sticker", 1}});
  ASSERT_TRUE(IsOk(ack)) << server_->output();
  const int64_t conversation = (*ack)["conversation_id"].get<int64_t>();
  ack = alice->SendFields({{"to", id(kBob)}, {"sticker", banana}});
  ASSERT_TRUE(IsOk(ack));
  auto live = bob->WaitFor([&](const json& f) {
    return client::IsType(f, "message") && f.value("sticker", int64_t{0}) == banana;
  });
  ASSERT_TRUE(IsOk(live));
  EXPECT_EQ((*live)["kind"], "sticker");
  EXPECT_EQ((*live)["text"], "banana yellow");
  ASSERT_TRUE(live->contains("media"));
  const std::string media_id = (*live)["media"]["id"].get<std::string>();

  // Bob may not send alice's sticker until he collects her pack; bad sends are refused.
  EXPECT_EQ(CodeOf(bob->SendFields({{"to", id(kAlice)}, {"sticker", banana}})), Code::kNotFound);
  EXPECT_EQ(CodeOf(bob->SendFields({{"to", id(kAlice)}, {"sticker", 424242}})), Code::kNotFound);
  EXPECT_EQ(CodeOf(bob->SendFields({{"to", id(kAlice)}, {"sticker", 1}, {"text", "hi"}})),
            Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(bob->SendFields({{"to", id(kAlice)}, {"sticker", -1}})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(bob->SendFields({{"to", id(kAlice)}, {"sticker", "1"}})), Code::kMalformed);
  ASSERT_TRUE(IsOk(api(kBob).CollectStickerPack(slug)));
  EXPECT_TRUE(IsOk(bob->SendFields({{"to", id(kAlice)}, {"sticker", banana}})));

  // The recent row is kept server-side: any of alice's devices sees it.
  auto shelf = api(kAlice).StickerShelf();
  ASSERT_TRUE(IsOk(shelf));
  ASSERT_EQ((*shelf)["recent"].size(), 2u);
  EXPECT_EQ((*shelf)["recent"][0]["id"], banana);
  EXPECT_EQ((*shelf)["recent"][1]["id"], 1);

  // The pack goes; the messages keep their stickers, and bob still sees the image.
  ASSERT_TRUE(IsOk(api(kAlice).DeleteStickerPack(slug)));
  client::SyncResult sync;
  auto fresh = Connect(kBob, &sync);  // a new device catches up from the start
  ASSERT_TRUE(fresh);
  std::vector<json> stickers;
  for (const json& m : sync.messages) {
    if (m.value("kind", "") == "sticker") stickers.push_back(m);
  }
  ASSERT_EQ(stickers.size(), 3u);
  EXPECT_EQ(stickers[0]["sticker"], 1);
  EXPECT_FALSE(stickers[0].contains("media"));
  EXPECT_EQ(stickers[1]["media"]["id"], media_id);
  auto image = api(kBob).Download("/api/v1/media/" + media_id);
  ASSERT_TRUE(IsOk(image));
  EXPECT_EQ(image->status, 200);
  // Sticker images are public, like avatars: anyone who opens a shared pack fetches them.
  auto carol_image = api(kCarol).Download("/api/v1/media/" + media_id);
  ASSERT_TRUE(IsOk(carol_image));
  EXPECT_EQ(carol_image->status, 200);

  auto found = api(kBob).SearchMessages("banana", conversation);
  ASSERT_TRUE(IsOk(found)) << server_->output();
  ASSERT_EQ((*found)["results"].size(), 2u) << found->dump();
  EXPECT_EQ((*found)["results"][0]["message"]["kind"], "sticker");

  // A sticker message can be deleted like a text one.
  ASSERT_TRUE(IsOk(alice->SendAndAwaitAck("del-1", json{{"type", "delete"},
                                                        {"id", "del-1"},
                                                        {"conversation_id", conversation},
                                                        {"seq", (*ack)["seq"].get<int64_t>()}}
                                                       .dump())));
}

}  // namespace
}  // namespace parley::e2e
