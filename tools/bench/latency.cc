#include "tools/bench/latency.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parley::bench {

void LatencySamples::Merge(const LatencySamples& other) {
  micros_.insert(micros_.end(), other.micros_.begin(), other.micros_.end());
  sorted_ = false;
}

double LatencySamples::PercentileMillis(double fraction) {
  if (!sorted_) {
    std::sort(micros_.begin(), micros_.end());
    sorted_ = true;
  }
  size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(micros_.size())));
  rank = std::clamp<size_t>(rank, 1, micros_.size());
  return micros_[rank - 1] / 1000.0;
}

std::string LatencySamples::Summary() {
  if (micros_.empty()) return "no samples";
  char text[160];
  std::snprintf(text, sizeof(text), "p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms",
                PercentileMillis(0.50), PercentileMillis(0.90), PercentileMillis(0.99),
                PercentileMillis(1.0));
  return text;
}

}  // namespace parley::bench
