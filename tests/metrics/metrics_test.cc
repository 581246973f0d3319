// The metrics module: exact exposition text, escaping, cumulative buckets, and counts that
// stay exact under concurrent updates.
#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "metrics/exposition.h"

namespace parley::metrics {
namespace {

TEST(ExpositionTest, Names) {
  struct Case {
    const char* name;
    bool metric;
    bool label;
  };
  for (const Case& c : std::vector<Case>{{"parley_messages_total", true, true},
                                         {"a:b", true, false},
                                         {"_x", true, true},
                                         {"__reserved", true, false},
                                         {"9lives", false, false},
                                         {"", false, false},
                                         {"sp ace", false, false},
                                         {"dash-ed", false, false},
                                         {"uni\xc3\xa9", false, false}}) {
    EXPECT_EQ(IsMetricName(c.name), c.metric) << c.name;
    EXPECT_EQ(IsLabelName(c.name), c.label) << c.name;
  }
}

TEST(ExpositionTest, Escaping) {
  EXPECT_EQ(EscapeHelp("a\\b\nc\"d"), "a\\\\b\\nc\"d");
  EXPECT_EQ(EscapeLabelValue("a\\b\nc\"d"), "a\\\\b\\nc\\\"d");
  const Labels labels{{"x", "q\"uote"}, {"y", ""}};
  EXPECT_EQ(FormatLabels(labels, nullptr), R"({x="q\"uote",y=""})");
  const std::pair<std::string, std::string> le{"le", "0.5"};
  EXPECT_EQ(FormatLabels({}, &le), R"({le="0.5"})");
  EXPECT_EQ(FormatLabels({}, nullptr), "");
}

TEST(ExpositionTest, Values) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(1e-9), "1e-09");
  EXPECT_EQ(FormatValue(2.5), "2.5");
  EXPECT_EQ(FormatValue(1e300), "1e+300");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(RegistryTest, WholeExposition) {
  Registry registry;
  registry.AddCounter("b_total", "Bees.", {{"kind", "worker"}}).Add(3);
  registry.AddCounter("b_total", "Bees.", {{"kind", "queen"}}).Add();
  registry.AddGauge("a_depth", "Line one\nline two").Set(-2);
  registry.AddGaugeFunction("c_read", "Read at scrape.", {}, [] { return 1.5; });
  Histogram& latency = registry.AddHistogram("d_seconds", "Latency.", {0.5, 1}, {{"op", "x"}});
  latency.Observe(0.25);
  latency.Observe(0.5);  // bounds are inclusive
  latency.Observe(0.75);
  latency.Observe(7);
  EXPECT_EQ(registry.Exposition(),
            "# HELP a_depth Line one\\nline two\n"
            "# TYPE a_depth gauge\n"
            "a_depth -2\n"
            "# HELP b_total Bees.\n"
            "# TYPE b_total counter\n"
            "b_total{kind=\"worker\"} 3\n"
            "b_total{kind=\"queen\"} 1\n"
            "# HELP c_read Read at scrape.\n"
            "# TYPE c_read gauge\n"
            "c_read 1.5\n"
            "# HELP d_seconds Latency.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{op=\"x\",le=\"0.5\"} 2\n"
            "d_seconds_bucket{op=\"x\",le=\"1\"} 3\n"
            "d_seconds_bucket{op=\"x\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{op=\"x\"} 8.5\n"
            "d_seconds_count{op=\"x\"} 4\n");
}

TEST(RegistryTest, CounterVecMakesEachLabelSetOnce) {
  Registry registry;
  CounterVec& errors = registry.AddCounterVec("e_total", "Errors.", {"code", "transport"});
  EXPECT_EQ(registry.Exposition(), "# HELP e_total Errors.\n# TYPE e_total counter\n");
  errors.With({"not_found", "http"}).Add();
  errors.With({"not_found", "http"}).Add();
  errors.With({"bad\"one", "ws"}).Add(5);
  EXPECT_EQ(&errors.With({"not_found", "http"}), &errors.With({"not_found", "http"}));
  EXPECT_EQ(registry.Exposition(),
            "# HELP e_total Errors.\n"
            "# TYPE e_total counter\n"
            "e_total{code=\"not_found\",transport=\"http\"} 2\n"
            "e_total{code=\"bad\\\"one\",transport=\"ws\"} 5\n");
}

TEST(RegistryTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  Counter& counter = registry.AddCounter("n_total", "N.");
  Histogram& histogram = registry.AddHistogram("h", "H.", {1, 2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100'000; ++i) {
        counter.Add();
        histogram.Observe(i % 3);
      }
    });
  }
  // Scrapes while the updates run must stay consistent: +Inf equals _count.
  for (int i = 0; i < 50; ++i) {
    const Histogram::Snapshot snapshot = histogram.snapshot();
    EXPECT_EQ(snapshot.cumulative.back(), snapshot.count);
    EXPECT_LE(snapshot.cumulative[0], snapshot.cumulative[1]);
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 400'000u);
  const Histogram::Snapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, 400'000u);
  EXPECT_EQ(snapshot.cumulative[0], 4u * 66'667u);  // the 0s and 1s: i % 3 in {0, 1}
}

}  // namespace
}  // namespace parley::metrics
