// Store conformance suite for message operations and search (store.h, "--- message
// operations ---" and SearchMessages): replies carry their quote as it is now, edits and
// tombstones change the target row and the search index, reactions keep their order, ops
// neither count as unread nor become last_message, and search sees only what a member may
// read. Every Store implementation must pass it (backends.h).
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

class MessageOpsStoreTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    auto opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    for (const char* name : {"ann", "ben", "cat"}) {
      auto user = store_->CreateUser({name, name, "$argon2id$x", 1000});
      ASSERT_TRUE(user.ok()) << user.status().message();
      users_.push_back(user->id);
    }
    Status s = InTxn([&](WriteTxn& txn) -> Status {
      auto direct = txn.DirectConversation(users_[0], users_[1]);
      if (!direct.ok()) return direct.status();
      conversation_ = *direct;
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.message();
  }

  Status InTxn(const std::function<Status(WriteTxn&)>& body) {
    Status result = Status(Code::kInternal, "body not run");
    Status written = store_->Write([&](WriteTxn& txn) {
      result = body(txn);
      return Status::Ok();
    });
    return written.ok() ? result : written;
  }

  // Appends a message of `kind` from `sender` and returns its seq (0 on failure).
  int64_t Append(int64_t sender, std::string text, MessageKind kind = MessageKind::kText,
                 int64_t reply_to = 0, int64_t target = 0, int64_t created_at = 2000) {
    Message message;
    message.conversation_id = conversation_;
    message.sender_id = sender;
    message.client_id = "c" + std::to_string(next_client_id_++);
    message.text = std::move(text);
    message.kind = kind;
    message.reply_to = reply_to;
    message.target = target;
    message.created_at = created_at;
    int64_t seq = 0;
    Status s = InTxn([&](WriteTxn& txn) -> Status {
      auto stored = txn.Append(message);
      if (!stored.ok()) return stored.status();
      seq = stored->seq;
      if (reply_to != 0) {
        EXPECT_TRUE(stored->quote.has_value());
        if (stored->quote) EXPECT_EQ(stored->quote->seq, reply_to);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return seq;
  }

  Message Read(int64_t seq) {
    auto messages = store_->MessagesAfter(conversation_, seq - 1, 1);
    EXPECT_TRUE(messages.ok() && messages->size() == 1);
    return messages.ok() && !messages->empty() ? (*messages)[0] : Message{};
  }

  // Brings the search index up to date, as the server does before every search.
  void IndexQueued() {
    Result<int> indexed = store_->IndexQueuedForSearch(1000);
    ASSERT_TRUE(indexed.ok()) << indexed.status().message();
  }

  std::vector<std::string> SearchTexts(int64_t user, std::string text) {
    IndexQueued();
    SearchQuery query;
    query.user_id = user;
    query.text = std::move(text);
    auto page = store_->SearchMessages(query);
    EXPECT_TRUE(page.ok()) << page.status().message();
    std::vector<std::string> texts;
    if (page.ok()) {
      for (const SearchHit& hit : page->hits) texts.push_back(hit.message.text);
    }
    return texts;
  }

  ConversationSummary Summary(int64_t user) {
    auto list = store_->ListConversations(user);
    EXPECT_TRUE(list.ok() && list->size() == 1);
    return list.ok() && !list->empty() ? (*list)[0] : ConversationSummary{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> users_;
  int64_t conversation_ = 0;
  int next_client_id_ = 1;
};

TEST_P(MessageOpsStoreTest, ReplyQuotesTheMessageAsItIsNow) {
  const std::string long_text(300, 'x');
  const int64_t quoted = Append(users_[0], long_text + "é");
  const int64_t reply = Append(users_[1], "answer", MessageKind::kText, quoted);
  Message read = Read(reply);
  ASSERT_TRUE(read.quote.has_value());
  EXPECT_EQ(read.reply_to, quoted);
  EXPECT_EQ(read.quote->sender_id, users_[0]);
  EXPECT_EQ(read.quote->text, std::string(200, 'x'));
  EXPECT_FALSE(read.quote->deleted);

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteMessage(conversation_, quoted); }).ok());
  read = Read(reply);
  ASSERT_TRUE(read.quote.has_value());
  EXPECT_TRUE(read.quote->deleted);
  EXPECT_EQ(read.quote->text, "");
}

TEST_P(MessageOpsStoreTest, EditAndDeleteChangeTheTargetRow) {
  const int64_t seq = Append(users_[0], "first draft");
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.EditMessage(conversation_, seq, "final", 3000);
              }).ok());
  Message edited = Read(seq);
  EXPECT_EQ(edited.text, "final");
  EXPECT_EQ(edited.edited_at, 3000);
  EXPECT_FALSE(edited.deleted);

  const int64_t reply = Append(users_[0], "see above", MessageKind::kText, seq);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.SetReaction(conversation_, reply, users_[1], "👍", true, 3100).status();
              }).ok());
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteMessage(conversation_, reply); }).ok());
  Message tombstone = Read(reply);
  EXPECT_TRUE(tombstone.deleted);
  EXPECT_EQ(tombstone.text, "");
  EXPECT_EQ(tombstone.reply_to, 0);
  EXPECT_FALSE(tombstone.quote.has_value());
  EXPECT_TRUE(tombstone.reactions.empty());

  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.EditMessage(conversation_, 99, "x", 1); }).code(),
            Code::kNotFound);
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.DeleteMessage(conversation_, 99); }).code(),
            Code::kNotFound);
  Status found = InTxn([&](WriteTxn& txn) -> Status {
    auto missing = txn.FindMessage(conversation_, 99);
    if (!missing.ok()) return missing.status();
    EXPECT_FALSE(missing->has_value());
    auto present = txn.FindMessage(conversation_, seq);
    if (!present.ok()) return present.status();
    EXPECT_TRUE(present->has_value() && (*present)->text == "final");
    return Status::Ok();
  });
  EXPECT_TRUE(found.ok()) << found.message();
}

// No version of a deleted message survives: its edit ops lose their text too; the edits of
// another message and the emoji of reaction ops stay.
TEST_P(MessageOpsStoreTest, DeleteClearsTheTextOfTheEditsOfThatMessageOnly) {
  const int64_t seq = Append(users_[0], "version one");
  const int64_t other = Append(users_[0], "keep me");
  const int64_t edit = Append(users_[0], "version two", MessageKind::kEdit, 0, seq);
  const int64_t other_edit = Append(users_[0], "keep me too", MessageKind::kEdit, 0, other);
  const int64_t reaction = Append(users_[1], "👍", MessageKind::kReaction, 0, seq);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteMessage(conversation_, seq); }).ok());
  EXPECT_EQ(Read(seq).text, "");
  EXPECT_EQ(Read(edit).text, "");
  EXPECT_EQ(Read(edit).target, seq);
  EXPECT_EQ(Read(other_edit).text, "keep me too");
  EXPECT_EQ(Read(other).text, "keep me");
  EXPECT_EQ(Read(reaction).text, "👍");
}

TEST_P(MessageOpsStoreTest, ReactionsKeepTheirOrderAndCount) {
  const int64_t seq = Append(users_[0], "party");
  auto react = [&](int64_t user, std::string emoji, bool on, int64_t at) {
    bool changed = false;
    Status s = InTxn([&](WriteTxn& txn) -> Status {
      auto result = txn.SetReaction(conversation_, seq, user, emoji, on, at);
      if (!result.ok()) return result.status();
      changed = *result;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return changed;
  };
  EXPECT_TRUE(react(users_[1], "🎉", true, 10));
  EXPECT_TRUE(react(users_[0], "👍", true, 11));
  EXPECT_TRUE(react(users_[0], "🎉", true, 12));
  EXPECT_FALSE(react(users_[0], "🎉", true, 13));
  EXPECT_FALSE(react(users_[1], "👍", false, 14));
  Message read = Read(seq);
  ASSERT_EQ(read.reactions.size(), 2u);
  EXPECT_EQ(read.reactions[0].emoji, "🎉");
  EXPECT_EQ(read.reactions[0].users, (std::vector<int64_t>{users_[1], users_[0]}));
  EXPECT_EQ(read.reactions[1].emoji, "👍");
  Status counted = InTxn([&](WriteTxn& txn) -> Status {
    auto count = txn.ReactionCount(conversation_, seq, users_[0]);
    if (!count.ok()) return count.status();
    EXPECT_EQ(*count, 2);
    return Status::Ok();
  });
  EXPECT_TRUE(counted.ok());
  EXPECT_TRUE(react(users_[1], "🎉", false, 15));
  read = Read(seq);
  EXPECT_EQ(read.reactions[0].users, std::vector<int64_t>{users_[0]});
  Status missing = InTxn([&](WriteTxn& txn) {
    return txn.SetReaction(conversation_, 77, users_[0], "👍", true, 1).status();
  });
  EXPECT_EQ(missing.code(), Code::kNotFound);
}

TEST_P(MessageOpsStoreTest, OpsAreNeitherUnreadNorTheLastMessage) {
  const int64_t text = Append(users_[0], "hello", MessageKind::kText, 0, 0, 2000);
  const int64_t active_at = Summary(users_[1]).last_activity_at;
  Append(users_[0], "hello!", MessageKind::kEdit, 0, text, active_at + 500);
  Append(users_[0], "👍", MessageKind::kReaction, 0, text, active_at + 600);
  ConversationSummary ben = Summary(users_[1]);
  EXPECT_EQ(ben.last_seq, 3);
  EXPECT_EQ(ben.unread, 1);
  ASSERT_TRUE(ben.last_message.has_value());
  EXPECT_EQ(ben.last_message->seq, text);
  EXPECT_EQ(ben.last_activity_at, active_at);  // ops are no activity

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.AdvanceCursors(conversation_, users_[1], 1, 1).status();
              }).ok());
  EXPECT_EQ(Summary(users_[1]).unread, 0);
  Append(users_[0], "again");
  EXPECT_EQ(Summary(users_[1]).unread, 1);
  Message op = Read(2);
  EXPECT_EQ(op.kind, MessageKind::kEdit);
  EXPECT_EQ(op.target, text);
  Message reaction = Read(3);
  EXPECT_EQ(reaction.kind, MessageKind::kReaction);
  EXPECT_EQ(reaction.text, "👍");
}

TEST_P(MessageOpsStoreTest, SearchFollowsEditsDeletesAndMembership) {
  const int64_t seq = Append(users_[0], "Über café meeting");
  Append(users_[1], "東京で会いましょう");
  EXPECT_EQ(SearchTexts(users_[1], "uber CAFE"), std::vector<std::string>{"Über café meeting"});
  EXPECT_EQ(SearchTexts(users_[0], "東京"), std::vector<std::string>{"東京で会いましょう"});
  EXPECT_TRUE(SearchTexts(users_[2], "cafe").empty());  // not a member

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                return txn.EditMessage(conversation_, seq, "tea meeting", 3000);
              }).ok());
  EXPECT_TRUE(SearchTexts(users_[1], "cafe").empty());
  EXPECT_EQ(SearchTexts(users_[1], "tea").size(), 1u);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteMessage(conversation_, seq); }).ok());
  EXPECT_TRUE(SearchTexts(users_[1], "tea").empty());

  SearchQuery wordless;
  wordless.user_id = users_[0];
  wordless.text = "*** \"\" ^";
  EXPECT_EQ(store_->SearchMessages(wordless).status().code(), Code::kInvalidArgument);
}

TEST_P(MessageOpsStoreTest, SearchPagesNewestFirst) {
  for (int i = 0; i < 5; ++i)
    Append(users_[0], "note " + std::to_string(i), MessageKind::kText, 0, 0, 2000 + i);
  SearchQuery query;
  query.user_id = users_[1];
  query.text = "note";
  query.limit = 2;
  IndexQueued();
  std::vector<std::string> texts;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = store_->SearchMessages(query);
    ASSERT_TRUE(page.ok()) << page.status().message();
    for (const SearchHit& hit : page->hits) texts.push_back(hit.message.text);
    if (!page->next) break;
    query.before = page->next;
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"note 4", "note 3", "note 2", "note 1", "note 0"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, MessageOpsStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
