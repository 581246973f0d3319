// Metrics: counters, gauges and histograms, and their Prometheus text exposition (format 0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/). Debian bookworm packages no
// prometheus-cpp, so this small module writes the format itself (docs/architecture.md).
//
// Hot path: Counter::Add, Gauge::Add/Set and Histogram::Observe are lock-free (relaxed atomic
// operations on cache-line-aligned cells); they never allocate and never block, so the send path
// pays a few atomic adds. Reading (Exposition) takes a snapshot without stopping writers: a
// histogram's _count is the sum of its buckets as read, so `le="+Inf"` always equals _count.
//
// Registry: the metrics are registered once at start-up (app/ wires them); registering takes a
// lock, and the returned references stay valid for the registry's lifetime. A name is one
// family: one type and one help text, any number of label sets. Invalid names, a name reused
// with another type, and a label set registered twice are programming errors (assert).
// Function metrics read a value another module keeps (a queue's length, a stats() counter) at
// each scrape, on the scraping thread; the function must be thread-safe and cheap.
//
// Thread-safety: everything is thread-safe.
#ifndef PARLEY_METRICS_METRICS_H_
#define PARLEY_METRICS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace parley::metrics {

// Label name and value pairs, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  alignas(64) std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  alignas(64) std::atomic<int64_t> value_{0};
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending and finite; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    uint64_t count = 0;                // == cumulative.back()
    double sum = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  struct alignas(64) Cell {
    std::atomic<uint64_t> count{0};
  };
  const std::vector<double> bounds_;
  std::unique_ptr<Cell[]> cells_;  // bounds_.size() + 1: the last is +Inf
  alignas(64) std::atomic<double> sum_{0};
};

// Bucket bounds for durations in seconds, 100 µs to 10 s.
std::vector<double> LatencyBuckets();

class Registry;

// Counters of one family whose label values are known only as they come (an error code, a push
// provider): With() finds or makes the counter for a value list, under the registry's lock, so it
// suits events counted per request, not per message. References stay valid.
class CounterVec {
 public:
  Counter& With(const std::vector<std::string>& values);

 private:
  friend class Registry;
  CounterVec(Registry& registry, std::string name, std::vector<std::string> label_names)
      : registry_(registry), name_(std::move(name)), label_names_(std::move(label_names)) {}
  Registry& registry_;
  const std::string name_;
  const std::vector<std::string> label_names_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(const std::string& name, const std::string& help, Labels labels = {});
  Gauge& AddGauge(const std::string& name, const std::string& help, Labels labels = {});
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds, Labels labels = {});
  CounterVec& AddCounterVec(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names);
  void AddCounterFunction(const std::string& name, const std::string& help, Labels labels,
                          std::function<double()> read);
  void AddGaugeFunction(const std::string& name, const std::string& help, Labels labels,
                        std::function<double()> read);

  // Every metric in the text format, families in name order.
  std::string Exposition() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<Series> series;
  };
  void Add(const std::string& name, const std::string& help, Type type, Series series);

  friend class CounterVec;

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;         // guarded by mutex_
  std::vector<std::unique_ptr<CounterVec>> vecs_;  // guarded by mutex_
};

}  // namespace parley::metrics

#endif  // PARLEY_METRICS_METRICS_H_
