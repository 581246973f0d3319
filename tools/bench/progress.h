// Progress of a sending run on stderr, one line a second: elapsed seconds, messages sent and
// acked so far, and the acks per second of the last second. stdout (the report) is untouched.
// Use from one thread (the main thread); reads the shards' atomic counters only.
#ifndef PARLEY_TOOLS_BENCH_PROGRESS_H_
#define PARLEY_TOOLS_BENCH_PROGRESS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "tools/bench/shard.h"

namespace parley::bench {

class Progress {
 public:
  // `shards` must outlive this object; `start_ns` is when the sending began.
  Progress(const std::vector<std::unique_ptr<Shard>>& shards, int64_t start_ns);

  // Sleeps until NowNanos() >= until_ns, printing a line at every whole second since start.
  void SleepUntil(int64_t until_ns);

 private:
  void Print(int64_t now_ns);

  const std::vector<std::unique_ptr<Shard>>& shards_;
  int64_t start_ns_;
  int64_t next_line_ns_;
  int64_t last_line_ns_;
  uint64_t last_acked_ = 0;
};

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_PROGRESS_H_
