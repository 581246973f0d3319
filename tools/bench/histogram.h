// The latency histogram the bench draws (--histogram FILE.svg): samples counted in log-scale
// buckets, and an SVG bar chart of them written by hand (no plotting library). Pure functions;
// thread-safe.
#ifndef PARLEY_TOOLS_BENCH_HISTOGRAM_H_
#define PARLEY_TOOLS_BENCH_HISTOGRAM_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parley::bench {

inline constexpr int kBucketsPerDecade = 10;

// Samples in [low_us, high_us).
struct HistogramBucket {
  double low_us = 0;
  double high_us = 0;
  uint64_t count = 0;
};

// Buckets with edges at 10^(k / per_decade) microseconds, contiguous from the one holding the
// smallest sample to the one holding the largest (empty ones included). Samples under 1 us count
// as 1 us. Empty input: no buckets.
std::vector<HistogramBucket> LogBuckets(std::span<const float> micros,
                                        int per_decade = kBucketsPerDecade);

// Three significant digits: "850 us", "1.25 ms", "37.0 ms", "250 ms", "1.50 s".
std::string FormatMicros(double micros);

// An SVG document (900x500): one bar per bucket on a log-scale time axis labelled at every
// power of ten, counts on a linear axis with round ticks, dashed lines at p50 and p99 with their
// values.
std::string HistogramSvg(const std::vector<HistogramBucket>& buckets, std::string_view title,
                         double p50_us, double p99_us);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_HISTOGRAM_H_
