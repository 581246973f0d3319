// Durability end to end: "the server answers only after the message is durably committed".
//
// A parleyd with the default `--fsync full` takes messages from 4 concurrent senders (each its
// own WebSocket, a window of unacknowledged sends) in 3 direct conversations, one of them with
// two senders. Once enough acks are in, the server is SIGKILLed with sends in flight, restarted
// on the same data directory, and every conversation's full history is read over HTTP:
// - every acked message is stored exactly once, with the acked conversation, seq and text;
// - seqs are dense 1..last_seq; no client id is stored twice;
// - every stored message is one a client sent, with its exact text (nothing torn or garbled);
// - unacked messages may or may not be stored.
// Senders then resend their unacked ids: one committed before the kill must come back as
// `duplicate: true` with its original seq, one not committed gets a new seq. Three kill/restart
// cycles, then a final round without a kill in which every resend must be acked.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

constexpr int kKillCycles = 3;
constexpr int kAcksPerCycle = 300;     // acks to collect before each kill
constexpr int kMaxNewPerCycle = 1500;  // per sender: bounds a cycle if the kill never comes
constexpr int kMaxNewFinalRound = 10;  // per sender, in the round without a kill
constexpr size_t kWindow = 8;          // unacked sends in flight per sender
constexpr auto kCycleTimeout = std::chrono::seconds(20);
constexpr auto kFrameTimeout = std::chrono::seconds(10);

struct Placement {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  bool operator==(const Placement&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Placement& p) {
  return out << "(conversation " << p.conversation_id << ", seq " << p.seq << ")";
}

// One client message id of one sender, across cycles.
struct Record {
  std::string id;
  std::string text;
  std::optional<Placement> acked;
  // Set when the record is (re)sent in a cycle after a kill left it unacked: where the store
  // had it at that point (nullopt: not committed), which decides the expected ack.
  bool resent = false;
  std::optional<Placement> stored_before_resend;
};

struct Sender {
  const TestUser* user = nullptr;
  int64_t peer_id = 0;
  std::vector<Record> records;  // touched by the sender's thread during a cycle, else by main
};

// Acks counted across the sender threads of one cycle.
class Progress {
 public:
  void AddAck() {
    std::lock_guard lock(mutex_);
    ++acks_;
    changed_.notify_all();
  }
  void SenderDone() {
    std::lock_guard lock(mutex_);
    ++done_;
    changed_.notify_all();
  }
  // Waits until `acks` acks are in or `senders` senders are done; returns the acks.
  int WaitFor(int acks, int senders) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kCycleTimeout, [&] { return acks_ >= acks || done_ >= senders; });
    return acks_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int acks_ = 0;
  int done_ = 0;
};

// A text that is easy to tell from a torn or mixed-up copy: the id, multi-byte UTF-8, and a
// length that varies (sometimes a few KiB, so a write spans several pages).
std::string TextFor(const std::string& id, size_t n) {
  std::string text = id + " \xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80 ";  // ü€😀
  const size_t repeats = n % 10 == 9 ? 300 : n % 13;
  for (size_t i = 0; i < repeats; ++i) text += "<" + std::to_string(i) + ":" + id + ">";
  return text + " end";
}

// One sender's cycle: connect, resend every unacked record, then send new ones (up to
// max_new), keeping up to kWindow unacked. Returns when everything sent was acked or the
// connection dropped (the server was killed).
void RunSender(client::Endpoint endpoint, Sender& sender, int sender_index, int max_new,
               Progress& progress) {
  struct Done {
    Progress& progress;
    ~Done() { progress.SenderDone(); }
  } done{progress};

  WsClient ws;
  if (Status connected = ws.Connect(endpoint); !connected.ok()) {
    ADD_FAILURE() << "sender " << sender_index << ": " << client::FormatStatus(connected);
    return;
  }
  if (Result<client::SyncResult> sync = ws.HelloAndSync(sender.user->token); !sync.ok()) {
    ADD_FAILURE() << "sender " << sender_index << ": " << client::FormatStatus(sync.status());
    return;
  }

  // Resends first (records a kill left unacked), then up to max_new new records, each
  // created when it is first sent.
  std::vector<size_t> resends;
  for (size_t i = 0; i < sender.records.size(); ++i) {
    if (!sender.records[i].acked) resends.push_back(i);
  }
  size_t next_resend = 0;
  int new_sent = 0;
  auto next_record = [&]() -> std::optional<size_t> {
    if (next_resend < resends.size()) return resends[next_resend++];
    if (new_sent >= max_new) return std::nullopt;
    ++new_sent;
    const size_t index = sender.records.size();
    Record record;
    record.id = "s" + std::to_string(sender_index) + "-" + std::to_string(index);
    record.text = TextFor(record.id, index);
    sender.records.push_back(std::move(record));
    return index;
  };

  std::map<std::string, size_t> in_flight;  // client id -> record index
  bool more = true;
  for (;;) {
    while (more && in_flight.size() < kWindow) {
      std::optional<size_t> index = next_record();
      if (!index) {
        more = false;
        break;
      }
      const Record& record = sender.records[*index];
      in_flight[record.id] = *index;
      if (!ws.SendRaw(client::SendToUserFrame(record.id, sender.peer_id, record.text)).ok()) {
        return;  // the server is gone; whatever is in flight stays unacked
      }
    }
    if (in_flight.empty()) return;
    Result<json> frame = ws.Next(kFrameTimeout);
    if (!frame.ok()) {
      EXPECT_TRUE(ws.closed()) << "sender " << sender_index << " stalled with " << in_flight.size()
                               << " unacked: " << client::FormatStatus(frame.status());
      return;
    }
    if (client::IsType(*frame, "message") || client::IsType(*frame, "receipt")) continue;
    auto it = in_flight.find(frame->value("id", ""));
    if (it == in_flight.end()) {
      ADD_FAILURE() << "sender " << sender_index << ": unexpected frame " << frame->dump();
      continue;
    }
    Record& record = sender.records[it->second];
    in_flight.erase(it);
    if (!client::IsType(*frame, "ack")) {
      ADD_FAILURE() << "sender " << sender_index << ": " << frame->dump();
      continue;
    }
    // value(): a malformed ack must fail the test, not throw in this thread.
    const Placement placement{frame->value("conversation_id", int64_t{-1}),
                              frame->value("seq", int64_t{-1})};
    const bool duplicate = frame->value("duplicate", false);
    EXPECT_TRUE(frame->contains("duplicate") && placement.seq > 0) << frame->dump();
    if (record.resent && record.stored_before_resend) {
      EXPECT_TRUE(duplicate) << record.id << " was committed before the kill at "
                             << *record.stored_before_resend << "; resend ack " << frame->dump();
      EXPECT_EQ(placement, *record.stored_before_resend) << record.id << ": " << frame->dump();
    } else {
      EXPECT_FALSE(duplicate) << record.id << " was not stored; ack " << frame->dump();
    }
    record.acked = placement;
    progress.AddAck();
  }
}

// Runs one cycle of all senders; kills the server once `kill_after_acks` acks are in (0: no
// kill, every sender runs to completion). Returns the acks of the cycle.
int RunCycle(ServerProcess& server, std::vector<Sender>& senders, int max_new,
             int kill_after_acks) {
  Progress progress;
  std::vector<std::thread> threads;
  const client::Endpoint endpoint = server.endpoint();
  for (size_t i = 0; i < senders.size(); ++i) {
    threads.emplace_back(RunSender, endpoint, std::ref(senders[i]), static_cast<int>(i), max_new,
                         std::ref(progress));
  }
  const int senders_count = static_cast<int>(senders.size());
  int acks = progress.WaitFor(kill_after_acks > 0 ? kill_after_acks : INT32_MAX, senders_count);
  if (kill_after_acks > 0) {
    EXPECT_GE(acks, kill_after_acks) << "too few acks before the kill deadline";
    server.Kill();
  }
  for (std::thread& thread : threads) thread.join();
  return progress.WaitFor(0, 0);
}

// The oldest page of up to 200 messages after `after`.
client::HistoryPage Page(int64_t after) {
  client::HistoryPage page;
  page.after = after;
  page.limit = 200;
  return page;
}

// Every message of a conversation, over HTTP, oldest first, in pages of 200.
std::vector<json> FullHistory(client::HttpApi& api, int64_t conversation_id) {
  std::vector<json> messages;
  int64_t after = 0;
  for (int page = 0; page < 1000; ++page) {
    Result<json> reply = api.History(conversation_id, Page(after));
    EXPECT_TRUE(IsOk(reply)) << "conversation " << conversation_id;
    if (!reply.ok()) break;
    for (const json& m : (*reply)["messages"]) messages.push_back(m);
    if (!(*reply)["has_more"].get<bool>() || (*reply)["messages"].empty()) break;
    after = messages.back()["seq"].get<int64_t>();
  }
  return messages;
}

// Reads the whole store back over HTTP and checks it against what the senders sent and got
// acked. Notes where each unacked record is stored, for the resend checks of the next cycle.
void VerifyStore(const ServerProcess& server, const std::vector<const TestUser*>& users,
                 std::vector<Sender>& senders, int cycle) {
  SCOPED_TRACE("store check #" + std::to_string(cycle));
  // Every record by id, and the conversation each (sender, peer) pair must be in.
  std::map<std::string, std::pair<Sender*, Record*>> by_id;
  for (Sender& sender : senders) {
    for (Record& record : sender.records) by_id[record.id] = {&sender, &record};
  }
  // Every conversation any user is in: its last_seq and a member to read it as.
  std::map<int64_t, std::pair<int64_t, const TestUser*>> conversations;
  for (const TestUser* user : users) {
    Result<json> list = ApiFor(server, user)->Conversations();
    ASSERT_TRUE(IsOk(list));
    for (const json& c : *list) {
      conversations[c["id"].get<int64_t>()] = {c["last_seq"].get<int64_t>(), user};
    }
  }

  std::map<std::string, Placement> stored;  // client id -> where it is stored
  std::map<std::pair<int64_t, int64_t>, int64_t> conversation_of_pair;
  for (const auto& [conversation_id, entry] : conversations) {
    const auto [last_seq, member] = entry;
    std::vector<json> messages = FullHistory(*ApiFor(server, member), conversation_id);
    ASSERT_EQ(static_cast<int64_t>(messages.size()), last_seq)
        << "conversation " << conversation_id << " has a gap or extra messages";
    for (size_t i = 0; i < messages.size(); ++i) {
      const json& m = messages[i];
      ASSERT_EQ(m["seq"], static_cast<int64_t>(i + 1))
          << "conversation " << conversation_id << ": seqs not dense";
      const std::string id = m["id"].get<std::string>();
      auto known = by_id.find(id);
      ASSERT_NE(known, by_id.end()) << "stored message no client sent: " << m.dump();
      auto [sender, record] = known->second;
      EXPECT_EQ(m["text"].get<std::string>(), record->text) << "garbled: " << m.dump();
      EXPECT_EQ(m["sender_id"], sender->user->id) << m.dump();
      EXPECT_EQ(m["conversation_id"], conversation_id);
      const Placement here{conversation_id, static_cast<int64_t>(i + 1)};
      EXPECT_TRUE(stored.emplace(id, here).second)
          << id << " stored twice: " << stored[id] << " and " << here;
      // All messages between one pair of users are in one conversation.
      auto pair = std::minmax(sender->user->id, sender->peer_id);
      auto [it, inserted] = conversation_of_pair.emplace(pair, conversation_id);
      EXPECT_EQ(it->second, conversation_id)
          << "pair " << pair.first << "/" << pair.second << " split over two conversations";
    }
  }

  int acked = 0, unacked_stored = 0, unacked_lost = 0;
  for (Sender& sender : senders) {
    for (Record& record : sender.records) {
      auto it = stored.find(record.id);
      if (record.acked) {
        ++acked;
        ASSERT_NE(it, stored.end())
            << "acked message lost: " << record.id << " acked at " << *record.acked;
        EXPECT_EQ(it->second, *record.acked) << record.id;
        continue;
      }
      // Unacked: either way is fine; remember which for the resend.
      record.resent = true;
      record.stored_before_resend =
          it == stored.end() ? std::nullopt : std::optional<Placement>(it->second);
      ++(it == stored.end() ? unacked_lost : unacked_stored);
    }
  }
  std::printf("[ crash   ] store check #%d: %d acked, %zu stored, unacked %d stored / %d not\n",
              cycle, acked, stored.size(), unacked_stored, unacked_lost);
}

// The kill cycles against a server started with `store_args` (none: SQLite in the data dir).
void RunKillCycles(const std::vector<std::string>& store_args) {
  // Default fsync (full). The frame rate limit is raised so that it never drops a send: this
  // test is about durability, not rate limiting.
  ServerProcess::Options options;
  options.extra_args = {"--max-frames-per-second", "1000000", "--frame-burst", "1000000"};
  options.extra_args.insert(options.extra_args.end(), store_args.begin(), store_args.end());
  auto server = ServerProcess::Start(std::move(options));
  ASSERT_TRUE(IsOk(server));
  std::vector<TestUser> users;
  for (const char* name : {"alice", "bob", "carol", "dave"}) {
    Result<TestUser> user = CreateUser(**server, name);
    ASSERT_TRUE(IsOk(user));
    users.push_back(std::move(user).value());
  }
  const TestUser &alice = users[0], &bob = users[1], &carol = users[2], &dave = users[3];
  // Three conversations: alice-bob (two senders racing, also to create it), carol-dave,
  // dave-alice.
  std::vector<Sender> senders = {
      {&alice, bob.id, {}}, {&bob, alice.id, {}}, {&carol, dave.id, {}}, {&dave, alice.id, {}}};
  const std::vector<const TestUser*> user_ptrs = {&alice, &bob, &carol, &dave};

  for (int cycle = 1; cycle <= kKillCycles; ++cycle) {
    RunCycle(**server, senders, kMaxNewPerCycle, kAcksPerCycle);
    ASSERT_FALSE((*server)->running());
    ASSERT_TRUE(IsOk((*server)->Restart())) << (*server)->output();
    VerifyStore(**server, user_ptrs, senders, cycle);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // A last round without a kill: every pending resend and a few new messages must be acked.
  RunCycle(**server, senders, kMaxNewFinalRound, /*kill_after_acks=*/0);
  for (const Sender& sender : senders) {
    for (const Record& record : sender.records) {
      EXPECT_TRUE(record.acked.has_value()) << record.id << " never acked";
    }
  }
  ASSERT_TRUE(IsOk((*server)->Restart()));
  VerifyStore(**server, user_ptrs, senders, kKillCycles + 1);
}

TEST(CrashTest, AckedMessagesSurviveSigkillAndResendsDeduplicate) { RunKillCycles({}); }

// The same on PostgreSQL: an ack means the message's transaction committed on the server.
TEST(CrashTest, AckedMessagesSurviveSigkillOnPostgres) {
  std::string error;
  testing_support::PostgresServer* postgres = testing_support::PostgresServer::Shared(&error);
  ASSERT_NE(postgres, nullptr) << error;
  Result<std::string> conninfo = postgres->CreateDatabase("crash");
  ASSERT_TRUE(IsOk(conninfo));
  RunKillCycles({"--postgres", *conninfo});
}

}  // namespace
}  // namespace parley::e2e
