// Three parleyd nodes on one PostgreSQL database and one Redis bus (docs/architecture.md,
// "Several nodes: the bus"): what reaches a device on one node from the others, and what holds
// when a node is killed, Redis restarts or PostgreSQL restarts.
//
// The checker: every member of a group keeps the timeline its device would show (messages by
// seq, live ones and those fetched when a live seq skips ahead, each seq once); at the end every
// member's timeline must equal the stored history, every acked message must be in it exactly
// once at its acked seq, and each sender's messages in the order sent.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"

namespace parley::e2e {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kLive{5000};  // how long a live frame may take to cross nodes

// Which PostgreSQL server a cluster's database is on: the test run's, or (for a test that
// restarts it) one of the cluster's own.
enum class PostgresServerKind { kShared, kOwn };

// A database and a bus channel of the test's own, and the nodes started on them.
class Cluster {
 public:
  static Result<std::unique_ptr<Cluster>> Start(
      const std::string& test, int nodes,
      PostgresServerKind postgres_kind = PostgresServerKind::kShared) {
    static int runs = 0;  // a test may run again in one process (--gtest_repeat)
    const std::string name = test + "_" + std::to_string(++runs);
    auto cluster = std::unique_ptr<Cluster>(new Cluster());
    std::string error;
    testing_support::PostgresServer* postgres = nullptr;
    if (postgres_kind == PostgresServerKind::kOwn) {
      auto launched = testing_support::PostgresServer::Launch();
      if (!launched.ok()) return launched.status();
      cluster->own_postgres_ = std::move(*launched);
      postgres = cluster->own_postgres_.get();
    } else {
      postgres = testing_support::PostgresServer::Shared(&error);
      if (postgres == nullptr) return Status(Code::kUnavailable, error);
    }
    auto* redis = testing_support::RedisServer::Shared(&error);
    if (redis == nullptr) return Status(Code::kUnavailable, error);
    auto conninfo = postgres->CreateDatabase(name);
    if (!conninfo.ok()) return conninfo.status();
    cluster->postgres_ = postgres;
    cluster->redis_ = redis;
    cluster->args_ = {"--postgres", *conninfo,         "--redis",
                      redis->Url(), "--redis-channel", "parley-test:" + name};
    for (int i = 0; i < nodes; ++i) {
      if (Status s = cluster->AddNode(); !s.ok()) return s;
    }
    return cluster;
  }

  Status AddNode() {
    ServerProcess::Options options;
    options.extra_args = args_;
    auto node = ServerProcess::Start(options);
    if (!node.ok()) return node.status();
    nodes_.push_back(std::move(*node));
    return Status::Ok();
  }

  ServerProcess& node(size_t i) { return *nodes_.at(i); }
  testing_support::PostgresServer& postgres() { return *postgres_; }
  testing_support::RedisServer& redis() { return *redis_; }

 private:
  Cluster() = default;
  std::unique_ptr<testing_support::PostgresServer> own_postgres_;  // outlives the nodes
  testing_support::PostgresServer* postgres_ = nullptr;
  testing_support::RedisServer* redis_ = nullptr;
  std::vector<std::string> args_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

// One member's device and what it would display of one conversation.
class Member {
 public:
  Member(TestUser user, int64_t conversation_id)
      : user_(std::move(user)), conversation_(conversation_id) {}

  const TestUser& user() const { return user_; }
  client::WsClient& ws() { return *ws_; }
  ServerProcess* server() const { return server_; }

  // Connects (again) to `server`, telling it the last seq this device holds: the replay brings
  // what is missing.
  Status ConnectTo(ServerProcess& server) {
    server_ = &server;
    const client::Cursor cursors[] = {{conversation_, ContiguousEnd()}};
    client::SyncResult sync;
    auto ws = ConnectUser(server, user_, cursors, &sync);
    if (!ws.ok()) return ws.status();
    ws_ = std::move(*ws);
    for (const json& message : sync.messages) Take(message);
    return Status::Ok();
  }

  // Files `frame` if it is a message of the conversation. Messages committed on different
  // nodes may arrive out of seq order; a gap that live frames do not close is fetched from
  // history by CatchUpTo, as the web app does after a grace.
  void Take(const json& frame) {
    if (frame.value("type", "") != "message") return;
    if (frame.value("conversation_id", int64_t{0}) != conversation_) return;
    const int64_t seq = frame["seq"].get<int64_t>();
    timeline_.emplace(seq, frame.value("text", ""));
  }

  // Files this device's own message: its connection gets the ack, not the message (as the web
  // app does, it is shown from the ack).
  void Acked(int64_t seq, const std::string& text) { timeline_.emplace(seq, text); }

  // Takes every frame queued now (and whatever arrives within `wait`).
  void Drain(milliseconds wait = milliseconds(0)) {
    for (;;) {
      auto frame = ws_->Next(wait);
      if (!frame.ok()) return;
      Take(*frame);
    }
  }

  // Waits until the timeline holds every seq through `last`, filling gaps from history once
  // live frames stop coming for a second; false if it cannot.
  bool CatchUpTo(int64_t last) {
    const auto deadline = std::chrono::steady_clock::now() + kLive;
    while (ContiguousEnd() < last && std::chrono::steady_clock::now() < deadline) {
      auto frame = ws_->Next(milliseconds(1000));
      if (!frame.ok()) break;
      Take(*frame);
    }
    if (ContiguousEnd() < last) FillFrom(ContiguousEnd());
    return ContiguousEnd() >= last;
  }

  // The highest seq with every seq before it held.
  int64_t ContiguousEnd() const {
    int64_t end = 0;
    for (auto it = timeline_.begin(); it != timeline_.end() && it->first == end + 1; ++it) end++;
    return end;
  }
  const std::map<int64_t, std::string>& timeline() const { return timeline_; }
  int fetched() const { return fetched_; }

 private:
  void FillFrom(int64_t after) {
    auto messages = HistoryAfter(*server_, user_, conversation_, after);
    if (!messages.ok()) return;
    for (const json& message : *messages) {
      if (timeline_.emplace(message["seq"].get<int64_t>(), message.value("text", "")).second) {
        ++fetched_;
      }
    }
  }

  TestUser user_;
  int64_t conversation_;
  ServerProcess* server_ = nullptr;
  std::unique_ptr<client::WsClient> ws_;
  std::map<int64_t, std::string> timeline_;  // seq -> text, each seq once
  int fetched_ = 0;                          // seqs that came from history, not a frame
};

// The stored history of the conversation, as `user` reads it on `server`: seq -> text.
std::map<int64_t, std::string> StoredHistory(ServerProcess& server, const TestUser& user,
                                             int64_t conversation_id) {
  std::map<int64_t, std::string> history;
  auto messages = HistoryAfter(server, user, conversation_id);
  EXPECT_TRUE(IsOk(messages));
  if (!messages.ok()) return history;
  for (const json& message : *messages) {
    history[message["seq"].get<int64_t>()] = message.value("text", "");
  }
  return history;
}

// What one sender had acked: client id (= text) -> seq, in the order sent.
struct Sent {
  std::vector<std::pair<std::string, int64_t>> acked;
};

// The checker (see the file comment). `history` holds group events too (text empty).
void CheckExactlyOnceInOrder(const std::map<int64_t, std::string>& history,
                             const std::vector<Sent>& senders, std::vector<Member*> members) {
  std::map<std::string, int> stored;  // text -> how many times stored
  for (const auto& [seq, text] : history) {
    if (!text.empty()) ++stored[text];
  }
  for (const Sent& sent : senders) {
    int64_t previous = 0;
    for (const auto& [id, seq] : sent.acked) {
      ASSERT_TRUE(history.count(seq)) << id << " acked at seq " << seq << " is not stored";
      EXPECT_EQ(history.at(seq), id) << "seq " << seq;
      EXPECT_EQ(stored[id], 1) << id << " stored " << stored[id] << " times";
      EXPECT_GT(seq, previous) << id << " out of its sender's order";
      previous = seq;
    }
  }
  const int64_t last = history.empty() ? 0 : history.rbegin()->first;
  for (Member* member : members) {
    ASSERT_TRUE(member->CatchUpTo(last))
        << member->user().username << " stuck at seq " << member->ContiguousEnd() << " of " << last;
    // Each seq displayed once, with the stored content (extras beyond `last` would be a bug).
    std::map<int64_t, std::string> shown(member->timeline().begin(),
                                         member->timeline().upper_bound(last));
    EXPECT_EQ(shown, history) << member->user().username;
  }
}

// Users, friends in pairs as needed, and one group of them all made on node 0.
struct Group {
  std::vector<TestUser> users;
  int64_t id = 0;
};

Result<Group> MakeGroup(Cluster& cluster, int count, const std::string& prefix) {
  Group group;
  for (int i = 0; i < count; ++i) {
    auto user = CreateUser(cluster.node(i % 3), prefix + "_member" + std::to_string(i));
    if (!user.ok()) return user.status();
    group.users.push_back(*user);
  }
  std::vector<int64_t> others;
  for (size_t i = 1; i < group.users.size(); ++i) others.push_back(group.users[i].id);
  auto created = ApiFor(cluster.node(0), &group.users[0])->CreateGroup(prefix, others);
  if (!created.ok()) return created.status();
  group.id = (*created)["id"].get<int64_t>();
  return group;
}

TEST(ClusterBusTest, EverythingLiveReachesDevicesOnTheOtherNodes) {
  auto cluster = Cluster::Start("bus_live", 3);
  ASSERT_TRUE(IsOk(cluster));
  Cluster& c = **cluster;
  auto alice = CreateUser(c.node(0), "alice");
  ASSERT_TRUE(IsOk(alice));
  auto bob = CreateUser(c.node(1), "bob");
  ASSERT_TRUE(IsOk(bob));

  // Friends across nodes: the request made on node 0 reaches bob's device on node 1.
  auto bob_ws = ConnectUser(c.node(1), *bob);
  ASSERT_TRUE(IsOk(bob_ws));
  ASSERT_TRUE(IsOk(ApiFor(c.node(0), &*alice)->SendFriendRequest(bob->id, "hi")));
  ASSERT_TRUE(IsOk((*bob_ws)->WaitForType("friend_request", kLive)));
  ASSERT_TRUE(IsOk(ApiFor(c.node(2), &*bob)->AcceptFriendRequest(alice->id)));

  // Presence: alice comes online on node 0; bob, on node 1, is told.
  auto alice_ws = ConnectUser(c.node(0), *alice);
  ASSERT_TRUE(IsOk(alice_ws));
  auto online = (*bob_ws)->WaitFor(
      [&](const json& f) {
        return f.value("type", "") == "presence" && f.value("user_id", int64_t{0}) == alice->id &&
               f.value("status", "") == "online";
      },
      kLive);
  ASSERT_TRUE(IsOk(online));
  // and her friends list on node 1 says she is online, though she is connected to node 0.
  auto friends = ApiFor(c.node(1), &*bob)->Friends();
  ASSERT_TRUE(IsOk(friends));
  ASSERT_EQ(friends->size(), 1u);
  EXPECT_EQ((*friends)[0]["presence"]["status"], "online");

  // A direct message from node 0 reaches bob on node 1 live; typing and receipts come back.
  auto ack = (*alice_ws)->SendToUser(bob->id, "hello across nodes 🙂");
  ASSERT_TRUE(IsOk(ack));
  const int64_t conversation = (*ack)["conversation_id"].get<int64_t>();
  auto message = (*bob_ws)->WaitForType("message", kLive);
  ASSERT_TRUE(IsOk(message));
  EXPECT_EQ((*message)["text"], "hello across nodes 🙂");
  EXPECT_EQ((*message)["seq"], (*ack)["seq"]);
  ASSERT_TRUE(IsOk((*bob_ws)->Send({{"type", "typing"}, {"conversation_id", conversation}})));
  ASSERT_TRUE(IsOk((*alice_ws)->WaitForType("typing", kLive)));
  ASSERT_TRUE(IsOk((*bob_ws)->Send(
      {{"type", "read"}, {"conversation_id", conversation}, {"seq", (*ack)["seq"]}})));
  ASSERT_TRUE(IsOk((*alice_ws)->WaitForType("receipt", kLive)));

  // The sender's own other device, on node 2, gets the message too.
  auto alice_2 = LoginDevice(c.node(2), *alice);
  ASSERT_TRUE(IsOk(alice_2));
  auto alice_2_ws = ConnectUser(c.node(2), *alice_2);
  ASSERT_TRUE(IsOk(alice_2_ws));
  ASSERT_TRUE(IsOk((*alice_ws)->SendToUser(bob->id, "to every device")));
  auto copy =
      (*alice_2_ws)
          ->WaitFor([](const json& f) { return f.value("text", "") == "to every device"; }, kLive);
  ASSERT_TRUE(IsOk(copy));

  // A device logged out on one node is closed on another: alice's node-2 device, revoked
  // through node 1.
  const int64_t session_id = alice_2->device_id;  // a session is its device
  ASSERT_TRUE(IsOk(ApiFor(c.node(1), &*alice)->RevokeSession(session_id)));
  EXPECT_EQ((*alice_2_ws)->WaitForClose(kLive), 4001);

  // Presence going away: alice's last device closes on node 0; bob, on node 1, sees her offline.
  (*alice_ws)->Close();
  auto offline = (*bob_ws)->WaitFor(
      [&](const json& f) {
        return f.value("type", "") == "presence" && f.value("user_id", int64_t{0}) == alice->id &&
               f.value("status", "") == "offline";
      },
      kLive);
  EXPECT_TRUE(IsOk(offline));
}

// Six members, two per node, all sending into one group at once: every member's device gets
// every message live, and the checker passes.
TEST(ClusterBusTest, GroupTrafficFromThreeNodesReachesEveryMemberLive) {
  auto cluster = Cluster::Start("bus_group", 3);
  ASSERT_TRUE(IsOk(cluster));
  Cluster& c = **cluster;
  auto group = MakeGroup(c, 6, "g");
  ASSERT_TRUE(IsOk(group));
  std::vector<std::unique_ptr<Member>> members;
  for (size_t i = 0; i < group->users.size(); ++i) {
    members.push_back(std::make_unique<Member>(group->users[i], group->id));
    ASSERT_TRUE(IsOk(members.back()->ConnectTo(c.node(i % 3))));
  }
  constexpr int kEach = 40;
  std::vector<Sent> sent(members.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < members.size(); ++i) {
    threads.emplace_back([&, i] {
      Member& m = *members[i];
      for (int n = 0; n < kEach; ++n) {
        const std::string id = m.user().username + "-" + std::to_string(n);
        auto ack = m.ws().SendToConversation(group->id, id, id);
        if (!ack.ok()) {
          ADD_FAILURE() << id << ": " << ack.status().message();
          return;
        }
        sent[i].acked.emplace_back(id, (*ack)["seq"].get<int64_t>());
        m.Acked((*ack)["seq"].get<int64_t>(), id);
        m.Drain();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto history = StoredHistory(c.node(0), group->users[0], group->id);
  std::vector<Member*> all;
  for (auto& m : members) all.push_back(m.get());
  CheckExactlyOnceInOrder(history, sent, all);
  for (auto& m : members) {
    EXPECT_EQ(m->fetched(), 0) << m->user().username << " needed history: a live frame was lost";
  }
}

// kill -9 one node under load: its members reconnect to another node, resend what was not
// acked (the same client ids), and nothing acked is lost or doubled.
TEST(ClusterBusTest, KillingANodeUnderLoadLosesNothing) {
  auto cluster = Cluster::Start("bus_kill", 3);
  ASSERT_TRUE(IsOk(cluster));
  Cluster& c = **cluster;
  auto group = MakeGroup(c, 6, "k");
  ASSERT_TRUE(IsOk(group));
  std::vector<std::unique_ptr<Member>> members;
  for (size_t i = 0; i < group->users.size(); ++i) {
    members.push_back(std::make_unique<Member>(group->users[i], group->id));
    ASSERT_TRUE(IsOk(members.back()->ConnectTo(c.node(i % 3))));
  }
  constexpr int kEach = 60;
  std::atomic<int> acked_total{0};
  std::atomic<int> reconnects{0};
  std::mutex progress_mutex;
  std::condition_variable progress;
  int finished = 0;  // threads ended; guarded by progress_mutex
  std::vector<Sent> sent(members.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < members.size(); ++i) {
    threads.emplace_back([&, i] {
      struct Done {  // however the thread ends, the main thread stops waiting for it
        std::mutex& mutex;
        std::condition_variable& cv;
        int& finished;
        ~Done() {
          {
            std::lock_guard lock(mutex);
            ++finished;
          }
          cv.notify_all();
        }
      } done{progress_mutex, progress, finished};
      Member& m = *members[i];
      for (int n = 0; n < kEach; ++n) {
        const std::string id = m.user().username + "-" + std::to_string(n);
        for (int attempt = 0;; ++attempt) {
          auto ack = m.ws().SendToConversation(group->id, id, id, milliseconds(3000));
          if (ack.ok()) {
            sent[i].acked.emplace_back(id, (*ack)["seq"].get<int64_t>());
            m.Acked((*ack)["seq"].get<int64_t>(), id);
            {
              std::lock_guard lock(progress_mutex);
              ++acked_total;
            }
            progress.notify_all();
            break;
          }
          // The node went away: reconnect to the next one and send the same id again.
          ASSERT_LT(attempt, 3) << id << ": " << ack.status().message();
          ServerProcess* next = m.server() == &c.node(2) ? &c.node(0) : &c.node(2);
          ASSERT_TRUE(IsOk(m.ConnectTo(*next)));
          ++reconnects;
        }
        m.Drain();
      }
    });
  }
  // A third of the way in, node 1 dies without a word.
  {
    std::unique_lock lock(progress_mutex);
    progress.wait(lock, [&] {
      return acked_total.load() >= static_cast<int>(members.size()) * kEach / 3 ||
             finished == static_cast<int>(members.size());
    });
  }
  c.node(1).Kill();
  for (std::thread& t : threads) t.join();
  for (const Sent& s : sent) ASSERT_EQ(s.acked.size(), static_cast<size_t>(kEach));
  EXPECT_EQ(reconnects.load(), 2) << "node 1's two members, and only they, move";
  auto history = StoredHistory(c.node(0), group->users[0], group->id);
  std::vector<Member*> all;
  for (auto& m : members) all.push_back(m.get());
  CheckExactlyOnceInOrder(history, sent, all);
}

// Redis restarts: live delivery across nodes stops while it is down (sends still commit and are
// acked: the store does not need the bus), the nodes reconnect by themselves, and a device
// fetches what it missed when the next live message shows the gap.
TEST(ClusterBusTest, RedisRestartLosesOnlyLiveFramesWhichTheStoreFills) {
  auto cluster = Cluster::Start("bus_redis", 2);
  ASSERT_TRUE(IsOk(cluster));
  Cluster& c = **cluster;
  auto group = MakeGroup(c, 2, "r");  // r0 on node 0, r1 on node 1
  ASSERT_TRUE(IsOk(group));
  Member sender(group->users[0], group->id);
  Member receiver(group->users[1], group->id);
  ASSERT_TRUE(IsOk(sender.ConnectTo(c.node(0))));
  ASSERT_TRUE(IsOk(receiver.ConnectTo(c.node(1))));
  std::vector<Sent> sent(1);
  auto send = [&](const std::string& id) {
    auto ack = sender.ws().SendToConversation(group->id, id, id);
    ASSERT_TRUE(IsOk(ack)) << id;
    sent[0].acked.emplace_back(id, (*ack)["seq"].get<int64_t>());
    sender.Acked((*ack)["seq"].get<int64_t>(), id);
  };
  send("before");
  ASSERT_TRUE(receiver.CatchUpTo(sent[0].acked.back().second));
  ASSERT_EQ(receiver.fetched(), 0);

  c.redis().Stop();
  for (int n = 0; n < 5; ++n) send("during-" + std::to_string(n));
  ASSERT_TRUE(IsOk(c.redis().Start()));
  // Once both nodes are back on the bus, a new message goes live; its seq shows the gap.
  bool delivered_live = false;
  for (int n = 0; n < 50 && !delivered_live; ++n) {
    const std::string id = "after-" + std::to_string(n);
    send(id);
    auto frame = receiver.ws().WaitFor([&](const json& f) { return f.value("text", "") == id; },
                                       milliseconds(200));
    if (frame.ok()) {
      receiver.Take(*frame);
      delivered_live = true;
    }
  }
  ASSERT_TRUE(delivered_live) << "the nodes did not come back to the bus";
  auto history = StoredHistory(c.node(0), group->users[0], group->id);
  CheckExactlyOnceInOrder(history, sent, {&sender, &receiver});
  EXPECT_GE(receiver.fetched(), 5) << "what the bus lost was not fetched from the store";
}

// PostgreSQL restarts: sends fail with a clear `unavailable` while it is down and succeed after;
// nothing acked is lost.
TEST(ClusterBusTest, PostgresRestartFailsSendsCleanlyThenRecovers) {
  auto cluster = Cluster::Start("bus_pg", 2, PostgresServerKind::kOwn);
  ASSERT_TRUE(IsOk(cluster));
  Cluster& c = **cluster;
  auto group = MakeGroup(c, 2, "p");
  ASSERT_TRUE(IsOk(group));
  Member sender(group->users[0], group->id);
  Member receiver(group->users[1], group->id);
  ASSERT_TRUE(IsOk(sender.ConnectTo(c.node(0))));
  ASSERT_TRUE(IsOk(receiver.ConnectTo(c.node(1))));
  std::vector<Sent> sent(1);
  auto ack = sender.ws().SendToConversation(group->id, "before", "before");
  ASSERT_TRUE(IsOk(ack));
  sent[0].acked.emplace_back("before", (*ack)["seq"].get<int64_t>());
  sender.Acked((*ack)["seq"].get<int64_t>(), "before");

  ASSERT_TRUE(IsOk(c.postgres().Restart([&] {
    auto refused = sender.ws().SendToConversation(group->id, "while-down", "while-down");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kUnavailable) << refused.status().message();
  })));
  // The node reconnects by itself; the first sends after may still meet the old connection.
  bool sent_after = false;
  for (int n = 0; n < 50 && !sent_after; ++n) {
    auto after = sender.ws().SendToConversation(group->id, "after", "after");
    if (after.ok()) {
      sent[0].acked.emplace_back("after", (*after)["seq"].get<int64_t>());
      sender.Acked((*after)["seq"].get<int64_t>(), "after");
      sent_after = true;
    } else {
      ASSERT_EQ(after.status().code(), Code::kUnavailable) << after.status().message();
      std::this_thread::sleep_for(milliseconds(100));  // the client's retry delay
    }
  }
  ASSERT_TRUE(sent_after);
  auto history = StoredHistory(c.node(1), group->users[1], group->id);
  CheckExactlyOnceInOrder(history, sent, {&sender, &receiver});
}

}  // namespace
}  // namespace parley::e2e
