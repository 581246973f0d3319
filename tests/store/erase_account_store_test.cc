// Store conformance suite for WriteTxn::EraseAccount (store.h; docs/protocol.md, "Deleting the
// account"): what goes, what stays as a placeholder, and that nobody else's data is touched.
// Every Store implementation must pass every TEST_P.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"

namespace parley::store {
namespace {

class EraseAccountStoreTest : public BackendTest {
 protected:
  Status InTxn(const std::function<Status(WriteTxn&)>& body) { return store_->Write(body); }

  Message Text(int64_t conversation, int64_t sender, std::string client_id, std::string text) {
    Message m;
    m.conversation_id = conversation;
    m.sender_id = sender;
    m.client_id = std::move(client_id);
    m.text = std::move(text);
    m.created_at = 100;
    return m;
  }

  static Media FileMedia(std::string id, int64_t owner, std::string digest) {
    Media m;
    m.id = std::move(id);
    m.owner_id = owner;
    m.kind = "file";
    m.mime = "application/octet-stream";
    m.size = 10;
    m.name = "f.bin";
    m.digest = std::move(digest);
    m.created_at = 10;
    return m;
  }
};

TEST_P(EraseAccountStoreTest, ErasesTheAccountAndKeepsAPlaceholderRow) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob"), carol = AddUser("carol");
  ASSERT_TRUE(store_->SetEmail(alice, "alice@example.org", 1).ok());
  ASSERT_TRUE(store_->StartTotp(alice, "sealed", 1).ok());
  ASSERT_TRUE(store_->AddIdentity({"corp", "alice-at-corp", alice, 1}).ok());
  ASSERT_TRUE(store_->CreateDevice({alice, "phone", "hash-a", 1, 1'000'000}).ok());
  int64_t direct = 0;
  int64_t bob_moment = 0;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto id = txn.DirectConversation(alice, bob);
                if (!id.ok()) return id.status();
                direct = *id;
                if (Status s = txn.AddFriendship(alice, bob, 1); !s.ok()) return s;
                if (Status s = txn.AddFriendRequest({carol, alice, "hi", 1}); !s.ok()) return s;
                if (auto b = txn.AddBlock(alice, carol, 1); !b.ok()) return b.status();
                if (Status s = txn.CreateMedia(FileMedia("m_alice", alice, "d-alice")); !s.ok()) {
                  return s;
                }
                Message with_media = Text(direct, alice, "a1", "my secret words");
                with_media.media = Media{.id = "m_alice"};
                auto sent = txn.Append(with_media);
                if (!sent.ok()) return sent.status();
                if (Status s = txn.AttachMedia("m_alice", direct, sent->seq, 2); !s.ok()) return s;
                auto reply = txn.Append(Text(direct, bob, "b1", "bob's words"));
                if (!reply.ok()) return reply.status();
                if (auto r = txn.SetReaction(direct, reply->seq, alice, "👍", true, 3); !r.ok()) {
                  return r.status();
                }
                Moment mine{.author_id = alice, .text = "alice's moment", .created_at = 5};
                if (auto m = txn.AddMoment(mine); !m.ok()) return m.status();
                Moment theirs{.author_id = bob, .text = "bob's moment", .created_at = 6};
                auto b = txn.AddMoment(theirs);
                if (!b.ok()) return b.status();
                bob_moment = *b;
                if (auto c = txn.AddMomentComment({.moment_id = bob_moment,
                                                   .user_id = alice,
                                                   .text = "alice's comment",
                                                   .created_at = 7});
                    !c.ok()) {
                  return c.status();
                }
                auto like = txn.SetMomentLike(bob_moment, alice, true, 8);
                return like.ok() ? Status::Ok() : like.status();
              }).ok());

  std::vector<std::string> freed;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto erased = txn.EraseAccount(alice, "Deleted user");
                if (!erased.ok()) return erased.status();
                freed = *erased;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(freed, std::vector<std::string>{"d-alice"});

  auto row = store_->FindUserById(alice);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->username, "~deleted-" + std::to_string(alice));
  EXPECT_EQ(row->display_name, "Deleted user");
  EXPECT_TRUE(row->password_hash.empty());
  EXPECT_EQ(store_->FindUserByName("alice").status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->CreateUser({"alice", "New Alice", "$argon2id$x", 2}).ok())
      << "the username is free again";

  EXPECT_FALSE(store_->FindEmail(alice)->has_value());
  EXPECT_FALSE(store_->FindTotp(alice)->has_value());
  EXPECT_TRUE(store_->ListIdentities(alice)->empty());
  EXPECT_FALSE(store_->FindIdentityUser("corp", "alice-at-corp")->has_value())
      << "the identity may sign up again";
  EXPECT_TRUE(store_->ListDevices(alice, 2)->empty());
  EXPECT_TRUE(store_->ListFriends(bob)->empty());
  EXPECT_TRUE(store_->ListFriendRequests(carol)->outgoing.empty());
  EXPECT_TRUE(store_->ListBlocks(alice)->empty());
  EXPECT_EQ(store_->FindMedia("m_alice").status().code(), Code::kNotFound);

  auto messages = store_->MessagesAfter(direct, 0, 10);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u) << "the rows stay: seq stays dense";
  EXPECT_TRUE((*messages)[0].deleted);
  EXPECT_TRUE((*messages)[0].text.empty());
  EXPECT_FALSE((*messages)[0].media.has_value());
  EXPECT_EQ((*messages)[1].text, "bob's words") << "others' messages are untouched";
  EXPECT_TRUE((*messages)[1].reactions.empty()) << "her reaction is gone";

  EXPECT_TRUE(store_->AuthorMoments(alice, 0, 10)->empty());
  const std::vector<int64_t> ids{bob_moment};
  auto interactions = store_->MomentInteractionsOf(ids);
  ASSERT_TRUE(interactions.ok());
  EXPECT_TRUE(interactions->likes.empty());
  EXPECT_TRUE(interactions->comments.empty());
  EXPECT_EQ(store_->AuthorMoments(bob, 0, 10)->size(), 1u);
}

TEST_P(EraseAccountStoreTest, UnknownUserIsNotFound) {
  EXPECT_EQ(InTxn([](WriteTxn& txn) { return txn.EraseAccount(9999, "x").status(); }).code(),
            Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, EraseAccountStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
