// NotifyingSink: what reaches push from a publish. A fake inner sink scripts the Reach; a
// recording Notifier keeps what was handed over.
#include "chat/fanout/push_sink.h"

#include <gtest/gtest.h>

#include <vector>

#include "push/payload.h"

namespace parley::chat {
namespace {

// Answers every publish with `next`, at once, or (`later`) only when a test calls Answer().
class ScriptedSink : public EventSink {
 public:
  Reach next;
  int published = 0;
  bool later = false;
  std::vector<ReachHandler> waiting;
  using EventSink::Publish;
  void Publish(const Audience&, Event, ReachHandler on_reach) override {
    ++published;
    if (!on_reach) return;
    if (later) {
      waiting.push_back(std::move(on_reach));
    } else {
      on_reach(next);
    }
  }
  void Reply(const std::weak_ptr<Peer>&, Event) override {}
  void Answer() {
    for (ReachHandler& handler : waiting) handler(next);
    waiting.clear();
  }
};

// One entry per user told, with what they were told.
class RecordingNotifier : public push::Notifier {
 public:
  struct Told {
    int64_t user_id;
    push::Notification what;
    bool away = false;  // told as an away user
  };
  std::vector<Told> got;
  void Notify(push::Notification what, std::vector<int64_t> offline,
              std::vector<int64_t> away) override {
    for (int64_t user : offline) got.push_back(Told{user, what});
    for (int64_t user : away) got.push_back(Told{user, what, true});
  }
};

events::MessageCommitted Message(store::MessageKind kind, std::string text) {
  events::MessageCommitted e;
  e.message.conversation_id = 4;
  e.message.seq = 9;
  e.message.sender_id = 1;
  e.message.kind = kind;
  e.message.text = std::move(text);
  return e;
}

TEST(NotifyingSink, UnreachedRecipientsOfContentGetNotifiedNeverTheSender) {
  ScriptedSink inner;
  RecordingNotifier notifier;
  NotifyingSink sink(inner, notifier);
  const std::vector<int64_t> users = {1, 2, 3};
  inner.next = Reach{{2}, {1, 3}};  // the sender (1) shows as unreached: still not notified
  Reach reach;
  sink.Publish(Audience{users}, Message(store::MessageKind::kText, "hi"),
               [&reach](Reach got) { reach = std::move(got); });
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{1, 3}));  // passed through unchanged
  ASSERT_EQ(notifier.got.size(), 1u);
  EXPECT_EQ(notifier.got[0].user_id, 3);
  EXPECT_EQ(notifier.got[0].what.conversation_id, 4);
  EXPECT_EQ(notifier.got[0].what.seq, 9);
  EXPECT_EQ(notifier.got[0].what.text, "hi");
}

TEST(NotifyingSink, OpsPresenceAndReachedUsersAreNotNotified) {
  ScriptedSink inner;
  RecordingNotifier notifier;
  NotifyingSink sink(inner, notifier);
  const std::vector<int64_t> users = {2};
  inner.next = Reach{{}, {2}};
  sink.Publish(Audience{users}, Message(store::MessageKind::kEdit, "x"));
  sink.Publish(Audience{users}, Message(store::MessageKind::kReaction, "👍"));
  sink.Publish(Audience{users}, events::Typing{4, 1});
  sink.Publish(Audience{users}, events::PresenceChanged{1, {}});
  inner.next = Reach{{2}, {}};
  sink.Publish(Audience{users}, Message(store::MessageKind::kText, "seen live"));
  EXPECT_TRUE(notifier.got.empty());
  EXPECT_EQ(inner.published, 5);
}

TEST(NotifyingSink, PreviewTextIsBoundedAndGroupAddsGoToTheAddedOnly) {
  ScriptedSink inner;
  RecordingNotifier notifier;
  NotifyingSink sink(inner, notifier);
  const std::vector<int64_t> users = {2, 3, 5};
  inner.next = Reach{{}, {2, 3, 5}};
  sink.Publish(Audience{users}, Message(store::MessageKind::kText, std::string(100000, 'a')));
  ASSERT_EQ(notifier.got.size(), 3u);
  EXPECT_LE(notifier.got[0].what.text.size(), push::kMaxPreviewBytes + 4);
  notifier.got.clear();

  events::GroupChanged added;
  added.message.conversation_id = 8;
  added.change.type = "member_added";
  added.change.actor = 2;
  added.change.users = {5};
  sink.Publish(Audience{users}, added);
  ASSERT_EQ(notifier.got.size(), 1u);
  EXPECT_EQ(notifier.got[0].user_id, 5);
  EXPECT_EQ(notifier.got[0].what.kind, push::Notification::Kind::kAddedToGroup);
  notifier.got.clear();
  added.change.type = "renamed";
  sink.Publish(Audience{users}, added);
  EXPECT_TRUE(notifier.got.empty());
}

TEST(NotifyingSink, AwayUsersArePassedOnAsAwayNeverTheSender) {
  ScriptedSink inner;
  RecordingNotifier notifier;
  NotifyingSink sink(inner, notifier);
  const std::vector<int64_t> users = {1, 2, 3};
  inner.next = Reach{{1, 2}, {3}, {1, 2}};  // the sender (1) is away too: still not notified
  sink.Publish(Audience{users}, Message(store::MessageKind::kText, "hi"));
  ASSERT_EQ(notifier.got.size(), 2u);
  EXPECT_EQ(notifier.got[0].user_id, 3);
  EXPECT_FALSE(notifier.got[0].away);
  EXPECT_EQ(notifier.got[1].user_id, 2);
  EXPECT_TRUE(notifier.got[1].away);
  notifier.got.clear();

  // Away users only: still told; ops never.
  inner.next = Reach{{2}, {}, {2}};
  sink.Publish(Audience{users}, Message(store::MessageKind::kText, "again"));
  ASSERT_EQ(notifier.got.size(), 1u);
  EXPECT_TRUE(notifier.got[0].away);
  sink.Publish(Audience{users}, Message(store::MessageKind::kEdit, "x"));
  EXPECT_EQ(notifier.got.size(), 1u);
}

// The hub learns whom a publish reached on its I/O threads, after Publish returned: push is
// told then, and the publisher's own handler still gets the Reach.
TEST(NotifyingSink, AReachThatComesLaterIsStillToldToPushAndPassedOn) {
  ScriptedSink inner;
  inner.later = true;
  RecordingNotifier notifier;
  NotifyingSink sink(inner, notifier);
  const std::vector<int64_t> users = {1, 2, 3};
  inner.next = Reach{{1}, {2, 3}};
  int answered = 0;
  sink.Publish(Audience{users}, Message(store::MessageKind::kText, "hi"),
               [&answered](const Reach& reach) {
                 EXPECT_EQ(reach.unreached, (std::vector<int64_t>{2, 3}));
                 ++answered;
               });
  sink.Publish(Audience{users}, events::Typing{4, 1});  // nothing to tell: no handler asked
  EXPECT_TRUE(notifier.got.empty()) << "nothing is known before the reach";
  EXPECT_EQ(inner.waiting.size(), 1u);
  inner.Answer();
  EXPECT_EQ(answered, 1);
  ASSERT_EQ(notifier.got.size(), 2u);
  EXPECT_EQ(notifier.got[0].user_id, 2);
  EXPECT_EQ(notifier.got[1].user_id, 3);
}

}  // namespace
}  // namespace parley::chat
