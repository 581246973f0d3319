// Shard: a slice of the bench's WebSocket connections on one EventLoop and one thread.
//
// On Start() the shard opens its connections, at most `max_opening` handshakes at a time, each
// sending hello and counting as established at `synced`. BeginSending() starts the load: with
// rate 0 each connection keeps `window` unacknowledged sends in flight; with a rate, a 2 ms
// ticker sends the shard's share from random connections. Each message goes to a random other
// user; its text carries the send time, so the recipient's primary connection (its user's first
// connection) measures send->deliver latency; the sender measures send->ack.
//
// Thread-safety: Start/BeginSending/Finish/Join and the atomic counters may be used from the main
// thread; everything else runs on the shard's own thread. stats() only after Join().
#ifndef PARLEY_TOOLS_BENCH_SHARD_H_
#define PARLEY_TOOLS_BENCH_SHARD_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/event_loop.h"
#include "client/ws_connection.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/latency.h"
#include "tools/bench/user_setup.h"

namespace parley::bench {

// Steady-clock time in nanoseconds; the unit of every timestamp in the bench.
int64_t NowNanos();

struct RunPlan {
  int64_t start_ns = 0;
  int64_t measure_from_ns = 0;  // end of warmup
  int64_t stop_ns = 0;          // no sends from here on
};

struct ShardStats {
  uint64_t established = 0;
  uint64_t failed = 0;  // connections that never reached `synced`
  uint64_t sent = 0, acked = 0, delivered = 0;
  uint64_t measured_sent = 0, measured_acked = 0, measured_delivered = 0;
  uint64_t skipped = 0;  // rate mode: sends due while every picked connection's window was full
  std::map<std::string, uint64_t> errors;  // error code, or connect_failed / closed_NNNN
  LatencySamples ack, deliver;
};

class Shard {
 public:
  // `connection_users[i]` is the user index of this shard's i-th connection; `primary[i]` says
  // whether it is that user's first connection. Users 0..recipients-1 are message targets.
  Shard(const BenchOptions& options, const std::vector<BenchUser>& users,
        std::vector<int> connection_users, std::vector<bool> primary, int recipients,
        std::string id_prefix, int max_opening);
  ~Shard();

  void Start();
  void BeginSending(RunPlan plan);
  void Finish();
  void Join();

  bool ready() const { return ready_; }  // every connection established or failed
  int established() const { return established_count_; }
  // Running totals for the progress line; any thread, relaxed (a moment behind at most).
  uint64_t sent_so_far() const { return sent_so_far_.load(std::memory_order_relaxed); }
  uint64_t acked_so_far() const { return acked_so_far_.load(std::memory_order_relaxed); }
  ShardStats& stats() { return stats_; }

 private:
  struct Conn {
    std::shared_ptr<client::WsConnection> ws;
    int user = 0;
    bool primary = false;
    bool established = false;
    std::unordered_map<std::string, int64_t> unacked;  // client id -> send time
  };

  void OpenMore();
  void Open(size_t index);
  void OnFrame(size_t index, std::string_view text);
  void OnSynced(size_t index);
  void OnAck(size_t index, const std::string& id);
  void OnError(size_t index, const std::string& code, const std::string& id);
  void OnMessage(size_t index, int64_t sender_id, const std::string& text);
  void OnClose(size_t index, int close_code);
  void SendOne(size_t index);
  void AfterReply(size_t index, bool back_off);
  void Tick();
  bool Measured(int64_t send_ns) const;

  BenchOptions options_;
  const std::vector<BenchUser>& users_;
  int recipients_;
  std::string id_prefix_;
  size_t max_opening_;
  size_t window_;
  client::EventLoop loop_;
  std::thread thread_;
  std::vector<Conn> conns_;
  std::vector<size_t> live_;  // established connections, for random picks
  std::mt19937_64 rng_;
  size_t next_to_open_ = 0;
  size_t opening_ = 0;
  uint64_t next_id_ = 0;
  bool sending_ = false;
  bool stopping_ = false;
  RunPlan plan_;
  double due_sends_ = 0;  // rate mode: sends owed by the ticker
  int64_t last_tick_ns_ = 0;
  ShardStats stats_;
  std::atomic<bool> ready_{false};
  std::atomic<int> established_count_{0};
  std::atomic<uint64_t> sent_so_far_{0};
  std::atomic<uint64_t> acked_so_far_{0};
};

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_SHARD_H_
