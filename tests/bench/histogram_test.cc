#include "tools/bench/histogram.h"

#include <gtest/gtest.h>

#include <vector>

namespace parley::bench {
namespace {

TEST(HistogramTest, BucketsAreLogScaleAndContiguous) {
  // 5 buckets per decade: edges 100, 158.5, 251.2, 398.1, 631.0, 1000 us.
  const std::vector<float> micros = {100, 120, 160, 999, 1000, 1500};
  std::vector<HistogramBucket> buckets = LogBuckets(micros, 5);
  ASSERT_EQ(buckets.size(), 6u);  // 100 us .. 1585 us, empty ones included
  EXPECT_DOUBLE_EQ(buckets.front().low_us, 100);
  EXPECT_NEAR(buckets.front().high_us, 158.49, 0.01);
  const uint64_t expected[] = {2, 1, 0, 0, 1, 2};
  for (size_t i = 0; i < buckets.size(); ++i) {
    EXPECT_EQ(buckets[i].count, expected[i]) << i;
    if (i > 0) {
      EXPECT_DOUBLE_EQ(buckets[i].low_us, buckets[i - 1].high_us) << i;
    }
  }
}

TEST(HistogramTest, EdgeCases) {
  EXPECT_TRUE(LogBuckets({}).empty());
  const std::vector<float> tiny = {0, 0.5f, 1};  // under 1 us counts as 1 us
  std::vector<HistogramBucket> buckets = LogBuckets(tiny, 1);
  ASSERT_EQ(buckets.size(), 1u);
  EXPECT_EQ(buckets[0].count, 3u);
  EXPECT_DOUBLE_EQ(buckets[0].low_us, 1);
  EXPECT_DOUBLE_EQ(buckets[0].high_us, 10);
}

TEST(HistogramTest, FormatsTimes) {
  struct Case {
    double micros;
    const char* text;
  };
  for (const Case& c : {Case{850, "850 us"}, Case{1250, "1.25 ms"}, Case{37000, "37.0 ms"},
                        Case{250000, "250 ms"}, Case{1'500'000, "1.50 s"}}) {
    EXPECT_EQ(FormatMicros(c.micros), c.text);
  }
}

TEST(HistogramTest, SvgHasBarsAxisLabelsAndMarks) {
  const std::vector<float> micros = {200, 300, 400, 2000, 50000};
  std::string svg = HistogramSvg(LogBuckets(micros), "title here", 400, 50000);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("title here"), std::string::npos);
  for (const char* label : {">100 us<", ">1.00 ms<", ">10.0 ms<", ">100 ms<", "p50 400 us",
                            "p99 50.0 ms", "latency (log scale)", ">messages<"}) {
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
  EXPECT_NE(HistogramSvg({}, "empty", 0, 0).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace parley::bench
