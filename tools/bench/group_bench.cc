#include "tools/bench/group_bench.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/frames.h"
#include "client/http_api.h"
#include "client/wire_codes.h"
#include "client/ws_client.h"
#include "client/ws_connection.h"
#include "tools/bench/latency.h"
#include "tools/bench/shard.h"
#include "tools/bench/user_setup.h"

namespace parley::bench {
namespace {

using std::chrono::milliseconds;
constexpr size_t kAddChunk = 1000;  // the server's limit of users per add request

// When each message (keyed by its send time) reached this receiver shard's members.
struct Arrivals {
  int64_t count = 0;
  int64_t last_ns = 0;
  LatencySamples each;
};

// The send time in a bench message frame ("text":"b<nanos>:..."), 0 if it carries none.
int64_t SendTimeIn(std::string_view frame) {
  constexpr std::string_view kMarker = "\"text\":\"b";
  const size_t at = frame.find(kMarker);
  if (at == std::string_view::npos) return 0;
  const char* begin = frame.data() + at + kMarker.size();
  int64_t nanos = 0;
  auto [end, ec] = std::from_chars(begin, frame.data() + frame.size(), nanos);
  return ec == std::errc() && end < frame.data() + frame.size() && *end == ':' ? nanos : 0;
}

// Receiving members on one event loop (one thread). Only counters cross threads.
class Receivers {
 public:
  Receivers(const client::Endpoint& endpoint, std::vector<std::string> tokens, int max_opening)
      : endpoint_(endpoint), tokens_(std::move(tokens)), max_opening_(max_opening) {}
  ~Receivers() { Join(); }

  void Start() {
    loop_.Post([this] { OpenMore(); });
    thread_ = std::thread([this] { loop_.Run(); });
  }
  void Stop() {
    loop_.Post([this] {
      for (auto& conn : conns_) {
        if (conn && conn->is_open()) conn->Close(1000);
      }
      loop_.After(milliseconds(1000), [this] { loop_.Stop(); });
    });
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  int tried() const { return tried_; }
  int established() const { return established_; }
  int64_t deliveries() const { return deliveries_; }
  std::unordered_map<int64_t, Arrivals>& arrivals() { return arrivals_; }  // after Join()

 private:
  void OpenMore() {
    while (opening_ < max_opening_ && next_ < tokens_.size()) Open(next_++);
  }

  void Open(size_t index) {
    ++opening_;
    client::WsConnection::Handlers handlers;
    handlers.on_open = [this, index] {
      conns_[index]->Send(client::HelloFrame(tokens_[index], {}, client::kProtocolVersion, true));
    };
    handlers.on_frame = [this, index](std::string_view text) {
      client::ForEachObject(text, [&](std::string_view object) { OnFrame(index, object); });
    };
    handlers.on_close = [this, index](const Status&, int) {
      if (!synced_[index]) Done();
    };
    if (conns_.empty()) {
      conns_.resize(tokens_.size());
      synced_.resize(tokens_.size(), false);
    }
    conns_[index] = client::WsConnection::Create(loop_, std::move(handlers));
    conns_[index]->Open(endpoint_);
  }

  void Done() {
    --opening_;
    ++tried_;
    OpenMore();
  }

  void OnFrame(size_t index, std::string_view object) {
    if (!synced_[index]) {
      if (object.find("\"synced\"") != std::string_view::npos) {
        synced_[index] = true;
        ++established_;
        Done();
      }
      return;
    }
    const int64_t sent = SendTimeIn(object);
    if (sent == 0) return;
    const int64_t now = NowNanos();
    Arrivals& arrival = arrivals_[sent];
    ++arrival.count;
    arrival.last_ns = std::max(arrival.last_ns, now);
    arrival.each.Add(now - sent);
    ++deliveries_;
  }

  client::Endpoint endpoint_;
  std::vector<std::string> tokens_;
  size_t max_opening_;
  client::EventLoop loop_;
  std::thread thread_;
  std::vector<std::shared_ptr<client::WsConnection>> conns_;
  std::vector<bool> synced_;
  size_t next_ = 0;
  size_t opening_ = 0;
  std::unordered_map<int64_t, Arrivals> arrivals_;
  std::atomic<int> tried_{0};
  std::atomic<int> established_{0};
  std::atomic<int64_t> deliveries_{0};
};

// Creates the group as users[0] with everyone else in it; returns its id.
Result<int64_t> MakeGroup(const BenchOptions& options, const std::vector<BenchUser>& users) {
  client::HttpApi api(options.endpoint, std::chrono::milliseconds(120000));
  api.set_token(users[0].token);
  std::vector<int64_t> ids;
  for (size_t i = 1; i < users.size(); ++i) ids.push_back(users[i].id);
  const size_t first = std::min(ids.size(), kAddChunk);
  auto group = api.CreateGroup("bench", std::vector<int64_t>(ids.begin(), ids.begin() + first));
  if (!group.ok()) return group.status();
  const int64_t id = (*group)["id"].get<int64_t>();
  for (size_t at = first; at < ids.size(); at += kAddChunk) {
    const size_t end = std::min(ids.size(), at + kAddChunk);
    Status added =
        api.AddGroupMembers(id, std::vector<int64_t>(ids.begin() + at, ids.begin() + end));
    if (!added.ok()) return added;
  }
  return id;
}

}  // namespace

int RunGroupBench(const BenchOptions& options) {
  const int members = options.group_members;
  const int online = options.online > 0 ? std::min(options.online, members) : members;
  if (members < 2 || online < 2) {
    std::cerr << "parley-bench: the group scenario needs at least 2 members online\n";
    return 1;
  }
  char run_id[8];
  std::snprintf(run_id, sizeof(run_id), "%06x",
                static_cast<unsigned>(std::random_device{}() & 0xffffff));
  std::cerr << "group run " << run_id << ": setting up " << members << " users\n";
  auto users = SetUpUsers(options, std::string("g") + run_id, members);
  if (!users.ok()) {
    std::cerr << "parley-bench: user setup failed: " << client::FormatStatus(users.status())
              << "\n";
    return 1;
  }
  const int64_t setup_start = NowNanos();
  auto group = MakeGroup(options, *users);
  if (!group.ok()) {
    std::cerr << "parley-bench: group setup failed: " << client::FormatStatus(group.status())
              << "\n";
    return 1;
  }
  std::cerr << "group " << *group << " with " << members << " members made in "
            << (NowNanos() - setup_start) / 1e9 << " s\n";

  // Receivers: users 1 .. online-1, spread over the event loops.
  const int threads = std::max(1, options.threads);
  std::vector<std::unique_ptr<Receivers>> shards;
  for (int t = 0; t < threads; ++t) {
    std::vector<std::string> tokens;
    for (int i = 1 + t; i < online; i += threads) tokens.push_back((*users)[i].token);
    shards.push_back(std::make_unique<Receivers>(
        options.endpoint, std::move(tokens), std::max(1, options.connect_concurrency / threads)));
  }
  for (auto& shard : shards) shard->Start();
  const int receivers = online - 1;
  for (;;) {
    int tried = 0;
    for (auto& shard : shards) tried += shard->tried();
    if (tried >= receivers) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  int established = 0;
  for (auto& shard : shards) established += shard->established();
  std::cerr << established << " of " << receivers << " receivers connected\n";

  client::WsClient sender;
  Status connected = sender.Connect(options.endpoint);
  auto hello = connected.ok() ? sender.HelloAndSync((*users)[0].token)
                              : Result<client::SyncResult>(connected);
  if (!hello.ok()) {
    std::cerr << "parley-bench: sender: " << client::FormatStatus(hello.status()) << "\n";
    return 1;
  }
  std::vector<int64_t> sends;
  for (int m = 0; m < options.group_messages; ++m) {
    const int64_t now = NowNanos();
    std::string text = "b" + std::to_string(now) + ":";
    if (text.size() < static_cast<size_t>(options.size))
      text.append(options.size - text.size(), 'x');
    auto ack = sender.SendToConversation(*group, text, "", milliseconds(30000));
    if (!ack.ok()) {
      std::cerr << "parley-bench: send: " << client::FormatStatus(ack.status()) << "\n";
      break;
    }
    sends.push_back(now);
    std::this_thread::sleep_for(milliseconds(options.group_interval_ms));
  }
  const int64_t expected = static_cast<int64_t>(sends.size()) * established;
  const int64_t drain_until = NowNanos() + static_cast<int64_t>(options.drain_s * 1e9);
  for (;;) {
    int64_t delivered = 0;
    for (auto& shard : shards) delivered += shard->deliveries();
    if (delivered >= expected || NowNanos() > drain_until) break;
    std::this_thread::sleep_for(milliseconds(10));
  }
  for (auto& shard : shards) shard->Stop();
  for (auto& shard : shards) shard->Join();

  LatencySamples to_last, each;
  int64_t deliveries = 0, complete = 0, last_arrival = 0;
  for (int64_t sent : sends) {
    int64_t count = 0, last = 0;
    for (auto& shard : shards) {
      auto it = shard->arrivals().find(sent);
      if (it == shard->arrivals().end()) continue;
      count += it->second.count;
      last = std::max(last, it->second.last_ns);
      each.Merge(it->second.each);
    }
    deliveries += count;
    last_arrival = std::max(last_arrival, last);
    if (count == established) {
      ++complete;
      to_last.Add(last - sent);
    }
  }
  const double seconds = sends.empty() ? 0 : (last_arrival - sends.front()) / 1e9;
  std::printf("group: %d members, %d online receivers, %zu messages sent, %lld complete\n", members,
              established, sends.size(), static_cast<long long>(complete));
  std::printf("send -> last delivery: %s\n", to_last.Summary().c_str());
  std::printf("send -> each delivery: %s\n", each.Summary().c_str());
  std::printf("deliveries: %lld in %.2f s = %.0f/s (while sending every %d ms)\n",
              static_cast<long long>(deliveries), seconds, seconds > 0 ? deliveries / seconds : 0.0,
              options.group_interval_ms);
  return complete == static_cast<int64_t>(sends.size()) && !sends.empty() ? 0 : 2;
}

}  // namespace parley::bench
