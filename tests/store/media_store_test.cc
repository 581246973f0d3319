// Store conformance suite for the media operations (store.h, "--- media ---"). Every Store
// implementation must pass it: a backend joins by adding a Backend to tests/store/backends.h.
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

Media ImageMedia(std::string id, int64_t owner, std::string digest, int64_t created_at) {
  Media media;
  media.id = std::move(id);
  media.owner_id = owner;
  media.kind = "image";
  media.mime = "image/jpeg";
  media.size = 1000;
  media.name = "photo.jpg";
  media.digest = std::move(digest);
  media.thumbnail_digest = media.digest + "-thumb";
  media.thumbnail_mime = "image/webp";
  media.width = 40;
  media.height = 30;
  media.preview = "data:image/webp;base64,AAAA";
  media.created_at = created_at;
  return media;
}

class MediaStoreTest : public testing::TestWithParam<Backend> {
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

  // Alice sends a message carrying `media_id` to bob; returns the stored message.
  Message SendWithMedia(const std::string& media_id, const std::string& client_id) {
    Message stored;
    Status status = InTxn([&](WriteTxn& txn) -> Status {
      auto conversation = txn.DirectConversation(users_[0], users_[1]);
      if (!conversation.ok()) return conversation.status();
      Message message;
      message.conversation_id = *conversation;
      message.sender_id = users_[0];
      message.client_id = client_id;
      message.created_at = 7000;
      message.media.emplace().id = media_id;
      auto appended = txn.Append(std::move(message));
      if (!appended.ok()) return appended.status();
      stored = *appended;
      return txn.AttachMedia(media_id, stored.conversation_id, stored.seq, 7000);
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return stored;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> users_;
};

TEST_P(MediaStoreTest, UploadsAreCreatedResumedAndRemoved) {
  Upload upload{"u_1", users_[0], "image", "a.jpg", 5000, 0, 100, 200};
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.CreateUpload(upload); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.CreateUpload(upload); }).code(), Code::kConflict);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.SetUploadReceived("u_1", 4096); }).ok());
  auto found = store_->FindUpload("u_1");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->received, 4096);
  EXPECT_EQ(found->size, 5000);
  EXPECT_EQ(found->name, "a.jpg");
  EXPECT_EQ(found->owner_id, users_[0]);
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.SetUploadReceived("u_2", 1); }).code(),
            Code::kNotFound);

  auto expired = store_->ExpiredUploads(199, 10);
  ASSERT_TRUE(expired.ok());
  EXPECT_TRUE(expired->empty());
  expired = store_->ExpiredUploads(200, 10);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].id, "u_1");

  bool removed = false;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto first = txn.RemoveUpload("u_1");
                if (!first.ok()) return first.status();
                auto second = txn.RemoveUpload("u_1");
                if (!second.ok()) return second.status();
                removed = *first && !*second;
                return Status::Ok();
              }).ok());
  EXPECT_TRUE(removed);
  EXPECT_EQ(store_->FindUpload("u_1").status().code(), Code::kNotFound);
}

TEST_P(MediaStoreTest, QuotaCountsMediaAndOpenUploads) {
  int64_t bytes = -1;
  auto measure = [&] {
    return InTxn([&](WriteTxn& txn) -> Status {
      auto counted = txn.MediaBytes(users_[0]);
      if (!counted.ok()) return counted.status();
      bytes = *counted;
      return Status::Ok();
    });
  };
  ASSERT_TRUE(measure().ok());
  EXPECT_EQ(bytes, 0);
  ASSERT_TRUE(
      InTxn([&](WriteTxn& txn) -> Status {
        if (Status s = txn.CreateUpload({"u_1", users_[0], "file", "f", 300, 0, 1, 2}); !s.ok()) {
          return s;
        }
        if (Status s = txn.CreateUpload({"u_2", users_[1], "file", "f", 50, 0, 1, 2}); !s.ok()) {
          return s;
        }
        return txn.CreateMedia(ImageMedia("m_1", users_[0], "d1", 10));
      }).ok());
  ASSERT_TRUE(measure().ok());
  EXPECT_EQ(bytes, 1300);
}

TEST_P(MediaStoreTest, MediaRoundTripsAndMessagesCarryTheDescriptor) {
  const Media media = ImageMedia("m_1", users_[0], "d1", 10);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.CreateMedia(media); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.CreateMedia(media); }).code(), Code::kConflict);
  auto found = store_->FindMedia("m_1");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->kind, "image");
  EXPECT_EQ(found->width, 40);
  EXPECT_EQ(found->thumbnail_digest, "d1-thumb");
  EXPECT_EQ(found->attached_at, 0);
  EXPECT_EQ(store_->FindMedia("m_2").status().code(), Code::kNotFound);

  const Message sent = SendWithMedia("m_1", "c-1");
  ASSERT_TRUE(sent.media.has_value());
  auto history = store_->MessagesAfter(sent.conversation_id, 0, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  ASSERT_TRUE((*history)[0].media.has_value());
  EXPECT_EQ((*history)[0].media->preview, media.preview);
  EXPECT_EQ((*history)[0].media->height, 30);
  auto before = store_->MessagesBefore(sent.conversation_id, 10, 10);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE((*before)[0].media.has_value());
  EXPECT_EQ((*before)[0].media->mime, "image/jpeg");

  auto list = store_->ListConversations(users_[1]);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  ASSERT_TRUE((*list)[0].last_message && (*list)[0].last_message->media);
  EXPECT_EQ((*list)[0].last_message->media->id, "m_1");

  // An idempotent resend finds the original with its descriptor.
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto earlier = txn.FindByClientId(users_[0], "c-1");
                if (!earlier.ok()) return earlier.status();
                EXPECT_TRUE(earlier->has_value() && (*earlier)->media &&
                            (*earlier)->media->name == "photo.jpg");
                return Status::Ok();
              }).ok());
  found = store_->FindMedia("m_1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->attached_at, 7000);
}

TEST_P(MediaStoreTest, ReadableOnlyByMembersWhoMayReadTheMessage) {
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.CreateMedia(ImageMedia("m_1", users_[0], "d1", 10));
              }).ok());
  auto readable = [&](int64_t user) {
    auto result = store_->MediaReadableBy("m_1", user);
    EXPECT_TRUE(result.ok());
    return result.ok() && *result;
  };
  EXPECT_FALSE(readable(users_[1]));  // not sent yet
  SendWithMedia("m_1", "c-1");
  EXPECT_TRUE(readable(users_[0]));
  EXPECT_TRUE(readable(users_[1]));
  EXPECT_FALSE(readable(users_[2]));  // a stranger
  auto missing = store_->MediaReadableBy("m_9", users_[1]);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing);
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.AttachMedia("m_9", 1, 1, 1); }).code(),
            Code::kNotFound);
}

TEST_P(MediaStoreTest, UnattachedMediaAreListedUntilSentOrPublic) {
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                for (const char* id : {"m_1", "m_2", "m_3"}) {
                  if (Status s = txn.CreateMedia(ImageMedia(id, users_[0], id, 10)); !s.ok()) {
                    return s;
                  }
                }
                return Status::Ok();
              }).ok());
  auto listed = store_->UnattachedMedia(10, 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());  // not older than the cut-off
  SendWithMedia("m_1", "c-1");
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.MakeMediaPublic("m_2", 50); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.MakeMediaPublic("m_9", 50); }).code(),
            Code::kNotFound);
  listed = store_->UnattachedMedia(11, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, "m_3");
  auto avatar = store_->FindMedia("m_2");
  ASSERT_TRUE(avatar.ok());
  EXPECT_TRUE(avatar->is_public);
  EXPECT_EQ(avatar->attached_at, 50);
}

TEST_P(MediaStoreTest, DeletingTheLastMessageWithAMediaMakesItAnOrphanAgain) {
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                for (const char* id : {"m_1", "m_2", "m_3"}) {
                  if (Status s = txn.CreateMedia(ImageMedia(id, users_[0], id, 10)); !s.ok()) {
                    return s;
                  }
                }
                return txn.MakeMediaPublic("m_2", 20);  // an avatar, also sent below
              }).ok());
  Message first = SendWithMedia("m_1", "c-1");
  Message second = SendWithMedia("m_1", "c-2");
  Message avatar = SendWithMedia("m_2", "c-3");
  // m_3 is sent, then also shown in a moment of its owner's.
  Message shared = SendWithMedia("m_3", "c-4");
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                Moment moment{.author_id = users_[0], .text = "look", .created_at = 30};
                moment.media.push_back(*store_->FindMedia("m_3"));
                auto added = txn.AddMoment(moment);
                return added.ok() ? Status::Ok() : added.status();
              }).ok());
  auto deleting = [&](const Message& m) {
    return InTxn([&](WriteTxn& txn) { return txn.DeleteMessage(m.conversation_id, m.seq); });
  };
  ASSERT_TRUE(deleting(first).ok());
  auto listed = store_->UnattachedMedia(100, 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());  // the second message still carries m_1
  ASSERT_TRUE(deleting(second).ok());
  ASSERT_TRUE(deleting(avatar).ok());
  ASSERT_TRUE(deleting(shared).ok());
  listed = store_->UnattachedMedia(100, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, "m_1");  // m_2 is still someone's avatar, m_3 in a moment
}

TEST_P(MediaStoreTest, RemovingMediaFreesOnlyDigestsNoOneElseUses) {
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                if (Status s = txn.CreateMedia(ImageMedia("m_1", users_[0], "shared", 10));
                    !s.ok()) {
                  return s;
                }
                Media other = ImageMedia("m_2", users_[1], "shared", 10);
                other.thumbnail_digest = "own-thumb";
                return txn.CreateMedia(other);
              }).ok());
  const Message sent = SendWithMedia("m_1", "c-1");
  std::vector<std::string> freed;
  auto remove = [&](const char* id) {
    return InTxn([&](WriteTxn& txn) -> Status {
      auto removed = txn.RemoveMedia(id);
      if (!removed.ok()) return removed.status();
      freed = *removed;
      return Status::Ok();
    });
  };
  ASSERT_TRUE(remove("m_1").ok());
  EXPECT_EQ(freed, std::vector<std::string>{"shared-thumb"});  // "shared" is still m_2's
  EXPECT_EQ(remove("m_1").code(), Code::kNotFound);
  ASSERT_TRUE(remove("m_2").ok());
  EXPECT_EQ(freed, (std::vector<std::string>{"shared", "own-thumb"}));

  // The message stays; its media is gone from what reads return.
  auto history = store_->MessagesAfter(sent.conversation_id, 0, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_FALSE((*history)[0].media.has_value());
  auto readable = store_->MediaReadableBy("m_1", users_[1]);
  ASSERT_TRUE(readable.ok());
  EXPECT_FALSE(*readable);
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
