// LatencySamples: collects latencies and reports percentiles. Keeps every sample (4 bytes each),
// so percentiles are exact; a 10-minute run at 100k msgs/s needs ~240 MB, which is acceptable
// for a load tool. Not thread-safe: one per shard, merged after the shards stop.
#ifndef PARLEY_TOOLS_BENCH_LATENCY_H_
#define PARLEY_TOOLS_BENCH_LATENCY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace parley::bench {

class LatencySamples {
 public:
  void Add(int64_t nanos) { micros_.push_back(static_cast<float>(nanos) / 1000.0f); }
  void Merge(const LatencySamples& other);
  size_t count() const { return micros_.size(); }

  // "p50 1.23 ms  p90 ...  p99 ...  max ..." (ms with 2 decimals); "no samples" when empty.
  std::string Summary();
  double PercentileMillis(double fraction);  // sorts lazily; no samples: a bug
  std::span<const float> micros() const { return micros_; }

 private:
  std::vector<float> micros_;
  bool sorted_ = false;
};

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_LATENCY_H_
