#include "tools/bench/progress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace parley::bench {
namespace {

constexpr int64_t kLineEveryNs = 1'000'000'000;

}  // namespace

Progress::Progress(const std::vector<std::unique_ptr<Shard>>& shards, int64_t start_ns)
    : shards_(shards),
      start_ns_(start_ns),
      next_line_ns_(start_ns + kLineEveryNs),
      last_line_ns_(start_ns) {}

void Progress::SleepUntil(int64_t until_ns) {
  for (int64_t now = NowNanos(); now < until_ns; now = NowNanos()) {
    const int64_t wake = std::min(until_ns, next_line_ns_);
    if (wake > now) std::this_thread::sleep_for(std::chrono::nanoseconds(wake - now));
    now = NowNanos();
    if (now >= next_line_ns_) {
      Print(now);
      next_line_ns_ += kLineEveryNs;
    }
  }
}

void Progress::Print(int64_t now_ns) {
  uint64_t sent = 0, acked = 0;
  for (const auto& shard : shards_) {
    sent += shard->sent_so_far();
    acked += shard->acked_so_far();
  }
  const double interval_s = static_cast<double>(now_ns - last_line_ns_) / 1e9;
  const double rate = interval_s > 0 ? static_cast<double>(acked - last_acked_) / interval_s : 0;
  std::fprintf(stderr, "  %5.1f s  sent %llu  acked %llu  %.0f msgs/s\n",
               static_cast<double>(now_ns - start_ns_) / 1e9, static_cast<unsigned long long>(sent),
               static_cast<unsigned long long>(acked), rate);
  last_line_ns_ = now_ns;
  last_acked_ = acked;
}

}  // namespace parley::bench
