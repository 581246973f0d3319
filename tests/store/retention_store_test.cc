// Store conformance suite for retention (store.h, "retention"): policies, pruning in batches,
// the pruned range, what goes with a pruned message (reactions, media links, search entries)
// and the reads that must agree with it (history, unread, search). Every Store implementation
// must pass every TEST_P.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"

namespace parley::store {
namespace {

class RetentionStoreTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    ASSERT_TRUE(store_
                    ->Write([&](WriteTxn& txn) -> Status {
                      auto id = txn.DirectConversation(alice_, bob_);
                      if (!id.ok()) return id.status();
                      direct_ = *id;
                      return Status::Ok();
                    })
                    .ok());
  }

  // Appends a text message from alice created at `at`; returns its seq.
  int64_t Send(const std::string& text, int64_t at, const std::string& media = "") {
    int64_t seq = 0;
    Status s = store_->Write([&](WriteTxn& txn) -> Status {
      Message m;
      m.conversation_id = direct_;
      m.sender_id = alice_;
      m.client_id = "c" + std::to_string(++sent_);
      m.text = text;
      m.created_at = at;
      if (!media.empty()) m.media = Media{.id = media};
      auto stored = txn.Append(m);
      if (!stored.ok()) return stored.status();
      seq = stored->seq;
      if (!media.empty()) return txn.AttachMedia(media, direct_, seq, at);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return seq;
  }

  void AddMedia(const std::string& id) {
    Media m;
    m.id = id;
    m.owner_id = alice_;
    m.kind = "file";
    m.mime = "application/octet-stream";
    m.size = 10;
    m.name = "f.bin";
    m.digest = "d-" + id;
    m.created_at = 10;
    ASSERT_TRUE(store_->Write([&](WriteTxn& txn) { return txn.CreateMedia(m); }).ok());
  }

  std::vector<int64_t> Seqs(const Result<std::vector<Message>>& messages) {
    std::vector<int64_t> seqs;
    EXPECT_TRUE(messages.ok()) << messages.status().message();
    if (messages.ok()) {
      for (const Message& m : *messages) seqs.push_back(m.seq);
    }
    return seqs;
  }

  int64_t Unread(int64_t user) {
    auto list = store_->ListConversations(user);
    EXPECT_TRUE(list.ok());
    return list.ok() && !list->empty() ? list->front().unread : -1;
  }

  std::vector<std::string> UnattachedIds() {
    auto media = store_->UnattachedMedia(1'000'000, 100);
    EXPECT_TRUE(media.ok());
    std::vector<std::string> ids;
    if (media.ok()) {
      for (const Media& m : *media) ids.push_back(m.id);
    }
    return ids;
  }

  int64_t alice_ = 0, bob_ = 0, direct_ = 0;
  int sent_ = 0;
};

TEST_P(RetentionStoreTest, PrunesByCountInBatchesAndRecordsTheRange) {
  for (int i = 1; i <= 10; ++i) Send("message " + std::to_string(i), 100 + i);
  const PruneLimits limits{.through_seq = 7};
  std::vector<PruneStep> steps;
  for (;;) {
    auto step = store_->PruneMessages(direct_, limits, 3);
    ASSERT_TRUE(step.ok()) << step.status().message();
    steps.push_back(*step);
    if (!step->more) break;
  }
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].removed, 3);
  EXPECT_EQ(steps[0].pruned_through, 3);
  EXPECT_EQ(steps[1].pruned_through, 6);
  EXPECT_EQ(steps[2].removed, 1);
  EXPECT_EQ(steps[2].pruned_through, 7);
  // Nothing more is due: a further pass changes nothing.
  auto again = store_->PruneMessages(direct_, limits, 3);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->removed, 0);
  EXPECT_FALSE(again->more);

  EXPECT_EQ(Seqs(store_->MessagesBefore(direct_, INT64_MAX, 50)), (std::vector<int64_t>{8, 9, 10}));
  EXPECT_EQ(Seqs(store_->MessagesAfter(direct_, 2, 50)), (std::vector<int64_t>{8, 9, 10}));
  const SeqRange range{direct_, 0, 10};
  EXPECT_EQ(Seqs(store_->MessagesInRanges({&range, 1}, 50)), (std::vector<int64_t>{8, 9, 10}));
  auto retention = store_->FindRetention(direct_);
  ASSERT_TRUE(retention.ok());
  EXPECT_EQ(retention->pruned_through, 7);
  EXPECT_EQ(retention->last_seq, 10);
  auto list = store_->ListConversationStates(bob_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().pruned_through, 7);
  // Seqs are never reused.
  EXPECT_EQ(Send("after", 200), 11);
}

TEST_P(RetentionStoreTest, PrunesByAgeOnlyTheOldestRun) {
  Send("old 1", 100);
  Send("old 2", 101);
  Send("new", 500);
  Send("old again", 102);  // a clock that went back: it waits behind the newer message
  auto step = store_->PruneMessages(direct_, PruneLimits{.created_before = 200}, 100);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->removed, 2);
  EXPECT_EQ(step->pruned_through, 2);
  EXPECT_FALSE(step->more);
  EXPECT_EQ(Seqs(store_->MessagesAfter(direct_, 0, 50)), (std::vector<int64_t>{3, 4}));
  // Either limit makes a message due: by count as well, the whole prefix through 3 goes.
  step = store_->PruneMessages(direct_, PruneLimits{.through_seq = 3, .created_before = 200}, 100);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->pruned_through, 4);  // 3 by count, then 4 by age
  EXPECT_TRUE(Seqs(store_->MessagesAfter(direct_, 0, 50)).empty());
}

TEST_P(RetentionStoreTest, UnreadCountsOnlyWhatRemains) {
  for (int i = 1; i <= 10; ++i) Send("m" + std::to_string(i), 100 + i);
  EXPECT_EQ(Unread(bob_), 10);
  ASSERT_TRUE(store_->PruneMessages(direct_, PruneLimits{.through_seq = 7}, 100).ok());
  EXPECT_EQ(Unread(bob_), 3);  // cursor 0, below the pruned range
  ASSERT_TRUE(
      store_->Write([&](WriteTxn& txn) { return txn.AdvanceCursors(direct_, bob_, 5, 5).status(); })
          .ok());
  EXPECT_EQ(Unread(bob_), 3);  // cursor inside the pruned range
  ASSERT_TRUE(
      store_->Write([&](WriteTxn& txn) { return txn.AdvanceCursors(direct_, bob_, 9, 9).status(); })
          .ok());
  EXPECT_EQ(Unread(bob_), 1);
  // Everything pruned: no last message, nothing unread.
  ASSERT_TRUE(store_->PruneMessages(direct_, PruneLimits{.through_seq = 10}, 100).ok());
  auto list = store_->ListConversations(bob_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->front().unread, 0);
  EXPECT_FALSE(list->front().last_message.has_value());
}

TEST_P(RetentionStoreTest, MediaGoesWhenNothingHoldsItAnyMore) {
  AddMedia("m_shared");
  AddMedia("m_only");
  const int64_t first = Send("", 101, "m_shared");
  const int64_t second = Send("", 102, "m_only");
  Send("text", 103);
  const int64_t kept = Send("", 104, "m_shared");
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) {
                    return txn.SetReaction(direct_, first, bob_, "👍", true, 105).status();
                  })
                  .ok());
  EXPECT_TRUE(UnattachedIds().empty());
  auto step = store_->PruneMessages(direct_, PruneLimits{.through_seq = 3}, 100);
  ASSERT_TRUE(step.ok()) << step.status().message();
  EXPECT_EQ(step->pruned_through, 3);
  // m_only was held by a pruned message only; m_shared is still held by `kept`.
  EXPECT_EQ(UnattachedIds(), (std::vector<std::string>{"m_only"}));
  auto readable = store_->MediaReadableBy("m_shared", bob_);
  ASSERT_TRUE(readable.ok());
  EXPECT_TRUE(*readable);
  readable = store_->MediaReadableBy("m_only", bob_);
  ASSERT_TRUE(readable.ok());
  EXPECT_FALSE(*readable);
  auto remaining = store_->MessagesAfter(direct_, 0, 10);
  ASSERT_TRUE(remaining.ok());
  ASSERT_EQ(remaining->size(), 1u);
  EXPECT_EQ(remaining->front().seq, kept);
  ASSERT_TRUE(remaining->front().media.has_value());
  EXPECT_EQ(remaining->front().media->id, "m_shared");
  EXPECT_NE(second, kept);
}

TEST_P(RetentionStoreTest, MediaRetentionStripsAttachmentsAndKeepsTheMessages) {
  AddMedia("m_old");
  AddMedia("m_new");
  Send("caption", 100, "m_old");
  Send("", 500, "m_new");
  auto step = store_->PruneMedia(direct_, 200, 100);
  ASSERT_TRUE(step.ok()) << step.status().message();
  EXPECT_EQ(step->removed, 1);
  EXPECT_EQ(step->pruned_through, 1);
  auto messages = store_->MessagesAfter(direct_, 0, 10);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].text, "caption");
  EXPECT_FALSE((*messages)[0].media.has_value());
  ASSERT_TRUE((*messages)[1].media.has_value());
  EXPECT_EQ(UnattachedIds(), (std::vector<std::string>{"m_old"}));
  auto retention = store_->FindRetention(direct_);
  ASSERT_TRUE(retention.ok());
  EXPECT_EQ(retention->media_pruned_through, 1);
  EXPECT_EQ(retention->pruned_through, 0);
}

TEST_P(RetentionStoreTest, SearchNeverReturnsPrunedMessages) {
  Send("apple pie", 101);
  Send("apple tart", 102);
  Send("apple crumble", 103);
  ASSERT_TRUE(store_->IndexQueuedForSearch(100).ok());
  SearchQuery query{.user_id = bob_, .text = "apple"};
  auto before = store_->SearchMessages(query);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->hits.size(), 3u);
  ASSERT_TRUE(store_->PruneMessages(direct_, PruneLimits{.through_seq = 2}, 100).ok());
  // Before the index has caught up, and after.
  for (int pass = 0; pass < 2; ++pass) {
    auto after = store_->SearchMessages(query);
    ASSERT_TRUE(after.ok()) << after.status().message();
    ASSERT_EQ(after->hits.size(), 1u);
    EXPECT_EQ(after->hits[0].message.seq, 3);
    auto indexed = store_->IndexQueuedForSearch(100);
    ASSERT_TRUE(indexed.ok());
    if (pass == 0) EXPECT_EQ(*indexed, 2);  // the pruned messages' entries were queued
  }
}

TEST_P(RetentionStoreTest, PoliciesAreStoredPerConversation) {
  auto none = store_->FindRetention(direct_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->policy.days, 0);
  EXPECT_EQ(none->policy.max_messages, 0);
  EXPECT_EQ(none->kind, ConversationKind::kDirect);
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) {
                    return txn.SetRetention(direct_, RetentionPolicy{30, 1000});
                  })
                  .ok());
  auto set = store_->FindRetention(direct_);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->policy.days, 30);
  EXPECT_EQ(set->policy.max_messages, 1000);
  auto states = store_->RetentionStates(0, 10);
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ(states->front().policy.days, 30);
  auto after = store_->RetentionStates(direct_, 10);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_P(RetentionStoreTest, RefusesWhatDoesNotExistAndEmptyBatches) {
  EXPECT_EQ(store_->FindRetention(999).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->PruneMessages(999, PruneLimits{.through_seq = 1}, 10).status().code(),
            Code::kNotFound);
  EXPECT_EQ(store_->PruneMedia(999, 10, 10).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->PruneMessages(direct_, PruneLimits{.through_seq = 1}, 0).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(
      store_->Write([&](WriteTxn& txn) {
              return txn.SetRetention(999, RetentionPolicy{1, 1});
            })
          .code(),
      Code::kNotFound);
  // No limits: nothing is due.
  Send("keep me", 1);
  auto step = store_->PruneMessages(direct_, PruneLimits{}, 10);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->removed, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
