// Store conformance suite for ReadSyncStates (store.h): which of a user's conversations count
// as changed after a SyncPoint, for every kind of state `synced` carries, and which do not; that
// a point of another epoch, from the future, or from before the store was opened again is not
// accepted; and that the summaries read for a selection equal ListConversationStates' entries.
// Every Store implementation must pass it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"
#include "tests/support/temp_dir.h"

namespace parley::store {
namespace {

constexpr int64_t kT0 = 1767225600000;

// A world seen by `alice`: a direct conversation with bob and one with carol (a message
// each), a group she owns with bob (two messages), and a group with carol (one message).
class SyncStatesTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenWorld()); }

  // A fresh store in a fresh directory, holding the world above.
  void OpenWorld() {
    store_.reset();
    dir_ = std::make_unique<testing_support::TempDir>();
    ASSERT_FALSE(dir_->path().empty()) << "mkdtemp failed";
    auto opened = GetParam().open(dir_->path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    ids_.clear();
    sent_ = 0;
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    carol_ = AddUser("carol");
    dave_ = AddUser("dave");
    ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                  auto with_bob = txn.DirectConversation(alice_, bob_);
                  auto with_carol = txn.DirectConversation(alice_, carol_);
                  if (!with_bob.ok() || !with_carol.ok()) return Status(Code::kInternal, "direct");
                  ids_["with_bob"] = *with_bob;
                  ids_["with_carol"] = *with_carol;
                  return Status::Ok();
                }).ok());
    ids_["team"] = NewGroup("Team", {bob_});
    ids_["quiet"] = NewGroup("Quiet", {carol_});
    for (const char* name : {"with_bob", "with_carol", "team", "team", "quiet"}) {
      Send(name, alice_);
    }
  }

  int64_t AddUser(const std::string& name) {
    Result<User> user = store_->CreateUser({name, name, "$argon2id$x", 1000});
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? user->id : 0;
  }

  Status InTxn(const std::function<Status(WriteTxn&)>& body) {
    Status result = Status(Code::kInternal, "body not run");
    Status written = store_->Write([&](WriteTxn& txn) {
      result = body(txn);
      return Status::Ok();
    });
    return written.ok() ? result : written;
  }

  int64_t NewGroup(const std::string& name, std::vector<int64_t> members) {
    int64_t id = 0;
    EXPECT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                  Group group;
                  group.name = name;
                  group.created_at = kT0;
                  auto created = txn.CreateGroup(group);
                  if (!created.ok()) return created.status();
                  id = *created;
                  Member owner;
                  owner.user_id = alice_;
                  owner.role = Role::kOwner;
                  if (Status s = txn.AddMember(id, owner, kT0); !s.ok()) return s;
                  for (int64_t user : members) {
                    Member member;
                    member.user_id = user;
                    if (Status s = txn.AddMember(id, member, kT0); !s.ok()) return s;
                  }
                  return Status::Ok();
                }).ok());
    return id;
  }

  void Send(const std::string& conversation, int64_t sender) {
    Message message;
    message.conversation_id = ids_.at(conversation);
    message.sender_id = sender;
    message.client_id = "c" + std::to_string(++sent_);
    message.text = "hello";
    message.created_at = kT0 + sent_;
    ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.Append(message).status(); }).ok());
  }

  void Read(const std::string& conversation, int64_t user, int64_t delivered, int64_t read) {
    ASSERT_TRUE(InTxn([&](WriteTxn& txn) {
                  return txn.AdvanceCursors(ids_.at(conversation), user, delivered, read).status();
                }).ok());
  }

  int64_t LastSeq(const std::string& conversation) {
    auto states = Sync(std::nullopt);
    for (const MembershipState& m : states.memberships) {
      if (m.conversation_id == ids_.at(conversation)) return m.last_seq;
    }
    ADD_FAILURE() << conversation << " not listed";
    return 0;
  }

  // Alice's sync states after `since`, selecting those changed.
  SyncStates Sync(const std::optional<SyncPoint>& since) {
    auto states =
        store_->ReadSyncStates(alice_, since, [](const MembershipState& m) { return m.changed; });
    EXPECT_TRUE(states.ok()) << states.status().message();
    return states.ok() ? std::move(*states) : SyncStates();
  }

  // The names of the conversations alice's sync lists as changed after `since`.
  std::set<std::string> Changed(const SyncStates& states) {
    std::set<std::string> changed;
    for (const MembershipState& m : states.memberships) {
      if (!m.changed) continue;
      std::string name = "id " + std::to_string(m.conversation_id);
      for (const auto& [known, id] : ids_) {
        if (id == m.conversation_id) name = known;
      }
      changed.insert(name);
    }
    return changed;
  }

  std::unique_ptr<testing_support::TempDir> dir_;
  std::unique_ptr<Store> store_;
  int64_t alice_ = 0, bob_ = 0, carol_ = 0, dave_ = 0;
  int sent_ = 0;
  std::map<std::string, int64_t> ids_;
};

class SyncStatesChangeTest;

struct ChangeCase {
  std::string name;
  std::function<void(SyncStatesChangeTest&)> change;
  std::set<std::string> changed;  // conversations alice's next sync must list
};

// Gives the cases access to the fixture's helpers.
class SyncStatesChangeTest : public SyncStatesTest {
 public:
  using SyncStatesTest::ids_;
  using SyncStatesTest::InTxn;
  using SyncStatesTest::LastSeq;
  using SyncStatesTest::NewGroup;
  using SyncStatesTest::Read;
  using SyncStatesTest::Send;
  int64_t alice() const { return alice_; }
  int64_t bob() const { return bob_; }
  int64_t carol() const { return carol_; }
  int64_t dave() const { return dave_; }
  Store& store() { return *store_; }

  void Run(const ChangeCase& c) {
    SyncStates before = Sync(std::nullopt);
    ASSERT_FALSE(before.since_accepted);
    ASSERT_EQ(Changed(before).size(), 4u) << "without a point every conversation counts";
    c.change(*this);
    SyncStates after = Sync(before.point);
    EXPECT_TRUE(after.since_accepted) << c.name;
    EXPECT_EQ(Changed(after), c.changed) << c.name;
    if (!c.changed.empty()) EXPECT_GT(after.point.version, before.point.version) << c.name;
    // Selected (changed) ones come with their summaries, nothing else.
    std::set<int64_t> summarized;
    for (const ConversationSummary& s : after.summaries) summarized.insert(s.id);
    std::set<int64_t> changed_ids;
    for (const MembershipState& m : after.memberships) {
      if (m.changed) changed_ids.insert(m.conversation_id);
    }
    EXPECT_EQ(summarized, changed_ids) << c.name;
    // Nothing changes between two syncs.
    EXPECT_TRUE(Changed(Sync(after.point)).empty()) << c.name;
  }
};

Status SetMember(SyncStatesChangeTest& t, const std::string& group, int64_t user,
                 const std::function<void(Member&)>& edit) {
  return t.InTxn([&](WriteTxn& txn) -> Status {
    auto members = txn.Members(t.ids_.at(group));
    if (!members.ok()) return members.status();
    for (Member member : *members) {
      if (member.user_id != user) continue;
      edit(member);
      return txn.UpdateMember(t.ids_.at(group), member);
    }
    return Status(Code::kNotFound, "no such member");
  });
}

Status EditGroup(SyncStatesChangeTest& t, const std::function<void(Group&)>& edit) {
  return t.InTxn([&](WriteTxn& txn) -> Status {
    auto group = txn.FindGroup(t.ids_.at("team"));
    if (!group.ok()) return group.status();
    edit(*group);
    return txn.UpdateGroup(*group);
  });
}

const ChangeCase kCases[] = {
    {"nothing", [](SyncStatesChangeTest&) {}, {}},
    {"a message from bob",
     [](SyncStatesChangeTest& t) { t.Send("with_bob", t.bob()); },
     {"with_bob"}},
    {"bob reads the direct conversation",
     [](SyncStatesChangeTest& t) { t.Read("with_bob", t.bob(), 1, 1); },
     {"with_bob"}},
    {"bob's delivery cursor in the direct conversation",
     [](SyncStatesChangeTest& t) { t.Read("with_bob", t.bob(), 1, 0); },
     {"with_bob"}},
    {"alice reads on another device",
     [](SyncStatesChangeTest& t) { t.Read("with_bob", t.alice(), 0, 1); },
     {"with_bob"}},
    {"bob's delivery cursor in a group (not shown)",
     [](SyncStatesChangeTest& t) { t.Read("team", t.bob(), t.LastSeq("team") - 1, 0); },
     {}},
    {"bob reads the group to its end (read_by)",
     [](SyncStatesChangeTest& t) { t.Read("team", t.bob(), 0, t.LastSeq("team")); },
     {"team"}},
    {"alice reads the group",
     [](SyncStatesChangeTest& t) { t.Read("team", t.alice(), 0, 1); },
     {"team"}},
    {"the group renamed",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(EditGroup(t, [](Group& g) { g.name = "Renamed"; }).ok());
     },
     {"team"}},
    {"the group's topic",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(EditGroup(t, [](Group& g) { g.topic = "new topic"; }).ok());
     },
     {"team"}},
    {"the group made public (not shown)",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(EditGroup(t, [](Group& g) { g.is_public = true; }).ok());
     },
     {}},
    {"dave joins the group (member_count)",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(t.InTxn([&](WriteTxn& txn) {
                      Member dave;
                      dave.user_id = t.dave();
                      return txn.AddMember(t.ids_.at("team"), dave, kT0);
                    }).ok());
     },
     {"team"}},
    {"bob leaves the group",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(t.InTxn([&](WriteTxn& txn) {
                      return txn.RemoveMember(t.ids_.at("team"), t.bob());
                    }).ok());
     },
     {"team"}},
    {"alice's role",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(SetMember(t, "team", t.alice(), [](Member& m) { m.role = Role::kAdmin; }).ok());
     },
     {"team"}},
    {"bob's role (not shown to alice)",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(SetMember(t, "team", t.bob(), [](Member& m) { m.role = Role::kAdmin; }).ok());
     },
     {}},
    {"alice muted (not shown)",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(SetMember(t, "team", t.alice(), [](Member& m) { m.muted_until = kT0; }).ok());
     },
     {}},
    {"the group deleted: no longer a membership",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(t.InTxn([&](WriteTxn& txn) { return txn.DeleteGroup(t.ids_.at("team")); }).ok());
     },
     {}},
    {"alice added to a new group",
     [](SyncStatesChangeTest& t) { t.ids_["new"] = t.NewGroup("New", {}); },
     {"new"}},
    {"a new direct conversation",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(t.InTxn([&](WriteTxn& txn) -> Status {
                      auto id = txn.DirectConversation(t.alice(), t.dave());
                      if (id.ok()) t.ids_["with_dave"] = *id;
                      return id.status();
                    }).ok());
     },
     {"with_dave"}},
    {"messages pruned",
     [](SyncStatesChangeTest& t) {
       t.Send("with_carol", t.carol());
       ASSERT_TRUE(
           t.store().PruneMessages(t.ids_.at("quiet"), PruneLimits{.through_seq = 1}, 10).ok());
     },
     {"with_carol", "quiet"}},
    {"someone else's conversation",
     [](SyncStatesChangeTest& t) {
       ASSERT_TRUE(t.InTxn([&](WriteTxn& txn) -> Status {
                      auto id = txn.DirectConversation(t.bob(), t.carol());
                      if (!id.ok()) return id.status();
                      Message message;
                      message.conversation_id = *id;
                      message.sender_id = t.bob();
                      message.client_id = "elsewhere";
                      message.text = "hi";
                      message.created_at = kT0;
                      return txn.Append(message).status();
                    }).ok());
     },
     {}},
};

TEST_P(SyncStatesChangeTest, EveryChangeSyncedCarriesIsListedAndNothingElse) {
  for (const ChangeCase& c : kCases) {
    SCOPED_TRACE(c.name);
    ASSERT_NO_FATAL_FAILURE(OpenWorld());
    Run(c);
  }
}

TEST_P(SyncStatesTest, PointsOfAnotherHistoryOrTheFutureAreNotAccepted) {
  const SyncPoint now = Sync(std::nullopt).point;
  EXPECT_FALSE(now.epoch.empty());
  EXPECT_TRUE(Sync(now).since_accepted);
  EXPECT_FALSE(Sync(SyncPoint{now.epoch + "0", now.version}).since_accepted);
  EXPECT_FALSE(Sync(SyncPoint{"", now.version}).since_accepted);
  const SyncStates future = Sync(SyncPoint{now.epoch, now.version + 1});
  EXPECT_FALSE(future.since_accepted);
  EXPECT_EQ(Changed(future).size(), 4u);
  EXPECT_EQ(future.summaries.size(), 4u);
  // Opened again (as after a restart, or on a restored backup): a new history.
  store_.reset();
  auto reopened = GetParam().open(dir_->path());
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  store_ = std::move(*reopened);
  const SyncStates after_restart = Sync(now);
  EXPECT_FALSE(after_restart.since_accepted);
  EXPECT_NE(after_restart.point.epoch, now.epoch);
  EXPECT_EQ(Changed(after_restart).size(), 4u);
}

// The selection decides which summaries are read, one or all, and either way they are the
// conversation list's entries, most recent activity first.
TEST_P(SyncStatesTest, SummariesOfTheSelectionEqualTheListsEntries) {
  Read("with_bob", bob_, 1, 1);
  auto list = store_->ListConversationStates(alice_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  auto same = [](const ConversationSummary& a, const ConversationSummary& b) {
    auto cursors = [](const Member& m) {
      return std::tuple(m.user_id, m.delivered_seq, m.read_seq, m.role, m.first_seq);
    };
    if (a.others.size() != b.others.size()) return false;
    for (size_t i = 0; i < a.others.size(); ++i) {
      if (cursors(a.others[i]) != cursors(b.others[i])) return false;
    }
    return a.id == b.id && a.kind == b.kind && a.last_seq == b.last_seq &&
           a.last_activity_at == b.last_activity_at && cursors(a.self) == cursors(b.self) &&
           a.name == b.name && a.topic == b.topic && a.member_count == b.member_count &&
           a.read_by == b.read_by && a.pruned_through == b.pruned_through;
  };
  for (const auto& [name, bound_id] : ids_) {
    SCOPED_TRACE(name);
    const int64_t id = bound_id;  // clang 14 cannot capture a structured binding
    int calls = 0;
    auto one = store_->ReadSyncStates(alice_, std::nullopt, [&](const MembershipState& m) {
      ++calls;
      return m.conversation_id == id;
    });
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(calls, 4);
    ASSERT_EQ(one->summaries.size(), 1u);
    const auto entry = std::find_if(list->begin(), list->end(),
                                    [&](const ConversationSummary& c) { return c.id == id; });
    ASSERT_NE(entry, list->end());
    EXPECT_TRUE(same(one->summaries[0], *entry));
  }
  auto all =
      store_->ReadSyncStates(alice_, std::nullopt, [](const MembershipState&) { return true; });
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->summaries.size(), list->size());
  for (size_t i = 0; i < list->size(); ++i) EXPECT_TRUE(same(all->summaries[i], (*list)[i])) << i;
  // Three of four (the whole-list statements, filtered) and two of four (one read each) keep
  // the list's order.
  for (size_t keep : {3u, 2u}) {
    auto some = store_->ReadSyncStates(alice_, std::nullopt, [&](const MembershipState& m) {
      for (size_t i = 0; i < keep; ++i) {
        if ((*list)[i].id == m.conversation_id) return true;
      }
      return false;
    });
    ASSERT_TRUE(some.ok());
    ASSERT_EQ(some->summaries.size(), keep);
    for (size_t i = 0; i < keep; ++i) EXPECT_TRUE(same(some->summaries[i], (*list)[i])) << i;
  }
}

// Another user's changes are not this user's, and this user's point means nothing to them
// beyond "after it".
TEST_P(SyncStatesTest, UsersWithoutConversationsListNothing) {
  auto states =
      store_->ReadSyncStates(dave_, std::nullopt, [](const MembershipState&) { return true; });
  ASSERT_TRUE(states.ok());
  EXPECT_TRUE(states->memberships.empty());
  EXPECT_TRUE(states->summaries.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncStatesTest, AllBackends(), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, SyncStatesChangeTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
