#include "metrics/metrics.h"

#include <algorithm>
#include <cassert>

#include "metrics/exposition.h"

namespace parley::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), cells_(std::make_unique<Cell[]>(bounds_.size() + 1)) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::Observe(double value) {
  // The first bucket whose bound is >= value (bounds are upper bounds, inclusive).
  const size_t index = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                           bounds_.begin());
  cells_[index].count.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += cells_[i].count.load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

void Registry::Add(const std::string& name, const std::string& help, Type type, Series series) {
  assert(IsMetricName(name));
  for ([[maybe_unused]] const auto& [label, value] : series.labels) assert(IsLabelName(label));
  std::lock_guard lock(mutex_);
  auto [family, inserted] = families_.try_emplace(name, Family{type, help, {}});
  assert(family->second.type == type);
  for ([[maybe_unused]] const Series& other : family->second.series) {
    assert(other.labels != series.labels);
  }
  family->second.series.push_back(std::move(series));
}

Counter& Registry::AddCounter(const std::string& name, const std::string& help, Labels labels) {
  auto counter = std::make_unique<Counter>();
  Counter& added = *counter;
  Add(name, help, Type::kCounter, Series{std::move(labels), std::move(counter), {}, {}, {}});
  return added;
}

Gauge& Registry::AddGauge(const std::string& name, const std::string& help, Labels labels) {
  auto gauge = std::make_unique<Gauge>();
  Gauge& added = *gauge;
  Add(name, help, Type::kGauge, Series{std::move(labels), {}, std::move(gauge), {}, {}});
  return added;
}

Histogram& Registry::AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> bounds, Labels labels) {
  auto histogram = std::make_unique<Histogram>(std::move(bounds));
  Histogram& added = *histogram;
  Add(name, help, Type::kHistogram, Series{std::move(labels), {}, {}, std::move(histogram), {}});
  return added;
}

CounterVec& Registry::AddCounterVec(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  assert(IsMetricName(name));
  for ([[maybe_unused]] const std::string& label : label_names) assert(IsLabelName(label));
  std::lock_guard lock(mutex_);
  [[maybe_unused]] auto [family, inserted] =
      families_.try_emplace(name, Family{Type::kCounter, help, {}});
  assert(inserted);
  vecs_.push_back(std::unique_ptr<CounterVec>(new CounterVec(*this, name, std::move(label_names))));
  return *vecs_.back();
}

Counter& CounterVec::With(const std::vector<std::string>& values) {
  assert(values.size() == label_names_.size());
  Labels labels;
  for (size_t i = 0; i < values.size(); ++i) labels.emplace_back(label_names_[i], values[i]);
  std::lock_guard lock(registry_.mutex_);
  std::vector<Registry::Series>& all = registry_.families_.at(name_).series;
  for (Registry::Series& series : all) {
    if (series.labels == labels) return *series.counter;
  }
  all.push_back(Registry::Series{std::move(labels), std::make_unique<Counter>(), {}, {}, {}});
  return *all.back().counter;
}

void Registry::AddCounterFunction(const std::string& name, const std::string& help, Labels labels,
                                  std::function<double()> read) {
  Add(name, help, Type::kCounter, Series{std::move(labels), {}, {}, {}, std::move(read)});
}

void Registry::AddGaugeFunction(const std::string& name, const std::string& help, Labels labels,
                                std::function<double()> read) {
  Add(name, help, Type::kGauge, Series{std::move(labels), {}, {}, {}, std::move(read)});
}

std::string Registry::Exposition() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::kCounter ? "counter"
                       : family.type == Type::kGauge ? "gauge"
                                                     : "histogram";
    out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const Series& series : family.series) {
      if (series.histogram) {
        const Histogram::Snapshot snapshot = series.histogram->snapshot();
        const std::vector<double>& bounds = series.histogram->bounds();
        for (size_t i = 0; i < snapshot.cumulative.size(); ++i) {
          const std::pair<std::string, std::string> le{
              "le", i < bounds.size() ? FormatValue(bounds[i]) : "+Inf"};
          out += name + "_bucket" + FormatLabels(series.labels, &le) + " " +
                 std::to_string(snapshot.cumulative[i]) + "\n";
        }
        const std::string labels = FormatLabels(series.labels, nullptr);
        out += name + "_sum" + labels + " " + FormatValue(snapshot.sum) + "\n";
        out += name + "_count" + labels + " " + std::to_string(snapshot.count) + "\n";
        continue;
      }
      const double value = series.read      ? series.read()
                           : series.counter ? static_cast<double>(series.counter->value())
                                            : static_cast<double>(series.gauge->value());
      out += name + FormatLabels(series.labels, nullptr) + " " + FormatValue(value) + "\n";
    }
  }
  return out;
}

}  // namespace parley::metrics
