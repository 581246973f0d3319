#include "tools/bench/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parley::bench {
namespace {

// The chart's frame, in SVG pixels.
constexpr double kWidth = 900, kHeight = 500;
constexpr double kLeft = 80, kRight = 30, kTop = 80, kBottom = 70;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;
constexpr int kCountTicks = 4;  // about this many steps up the count axis

// The bucket of a sample: floor(log10(us) * per_decade), with a little slack so that a sample
// exactly on an edge (100 us) is not put below it by rounding.
int BucketIndex(double micros, int per_decade) {
  return static_cast<int>(std::floor(std::log10(std::max(micros, 1.0)) * per_decade + 1e-9));
}

double Edge(int index, int per_decade) {
  return std::pow(10.0, static_cast<double>(index) / per_decade);
}

std::string Format(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char text[256];
  std::snprintf(text, sizeof(text), format, a, b, c, d);
  return text;
}

// The smallest 1, 2 or 5 times a power of ten that is at least `value`: a round tick step.
double RoundStep(double value) {
  const double power = std::pow(10.0, std::floor(std::log10(std::max(value, 1.0))));
  for (double factor : {1.0, 2.0, 5.0}) {
    if (factor * power >= value) return factor * power;
  }
  return 10 * power;
}

// A vertical dashed marker labelled above the plot, on line `row` (0 or 1, so that two labels
// never overlap), on the side of the line with room for the text.
std::string Marker(double x, std::string_view name, double micros, int row) {
  constexpr double kLabelRoom = 100;
  const bool right = x + kLabelRoom < kLeft + kPlotWidth;
  std::string svg = Format(
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c0392b\" "
      "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
      x, kTop - 30 + 14.0 * row, x, kTop + kPlotHeight);
  svg += Format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"", right ? x + 4 : x - 4,
                kTop - 20 + 14.0 * row);
  svg += right ? "start" : "end";
  svg += "\" fill=\"#c0392b\">" + std::string(name) + " " + FormatMicros(micros) + "</text>\n";
  return svg;
}

}  // namespace

std::vector<HistogramBucket> LogBuckets(std::span<const float> micros, int per_decade) {
  if (micros.empty()) return {};
  auto [min, max] = std::minmax_element(micros.begin(), micros.end());
  const int first = BucketIndex(*min, per_decade);
  const int last = BucketIndex(*max, per_decade);
  std::vector<HistogramBucket> buckets;
  for (int index = first; index <= last; ++index) {
    buckets.push_back({Edge(index, per_decade), Edge(index + 1, per_decade), 0});
  }
  for (float sample : micros) ++buckets[BucketIndex(sample, per_decade) - first].count;
  return buckets;
}

std::string FormatMicros(double micros) {
  if (micros < 1000) return Format("%.0f us", micros);
  if (micros < 10'000) return Format("%.2f ms", micros / 1e3);
  if (micros < 100'000) return Format("%.1f ms", micros / 1e3);
  if (micros < 1'000'000) return Format("%.0f ms", micros / 1e3);
  return Format("%.2f s", micros / 1e6);
}

std::string HistogramSvg(const std::vector<HistogramBucket>& buckets, std::string_view title,
                         double p50_us, double p99_us) {
  std::string svg = Format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      kWidth, kHeight);
  svg += Format("<text x=\"%.1f\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">", kWidth / 2);
  svg += std::string(title) + "</text>\n";
  if (buckets.empty()) return svg + "</svg>\n";

  // The time axis spans whole powers of ten around the buckets.
  const double from = std::floor(std::log10(buckets.front().low_us) + 1e-9);
  const double to = std::max(from + 1, std::ceil(std::log10(buckets.back().high_us) - 1e-9));
  auto x_of = [&](double micros) {
    return kLeft + (std::log10(micros) - from) / (to - from) * kPlotWidth;
  };
  uint64_t most = 1;
  for (const HistogramBucket& bucket : buckets) most = std::max(most, bucket.count);
  const double step = RoundStep(static_cast<double>(most) / kCountTicks);
  const double top = step * std::ceil(static_cast<double>(most) / step);
  auto y_of = [&](double count) { return kTop + kPlotHeight - count / top * kPlotHeight; };

  for (double count = 0; count <= top; count += step) {
    const double y = y_of(count);
    svg += Format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                  kLeft, y, kLeft + kPlotWidth, y);
    svg += Format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n", kLeft - 8, y + 4,
                  count);
  }
  for (const HistogramBucket& bucket : buckets) {
    const double x = x_of(bucket.low_us);
    const double y = y_of(static_cast<double>(bucket.count));
    svg += Format(
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a7fb5\" "
        "stroke=\"white\"/>\n",
        x, y, x_of(bucket.high_us) - x, kTop + kPlotHeight - y);
  }
  const double axis_y = kTop + kPlotHeight;
  svg += Format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", kLeft,
                axis_y, kLeft + kPlotWidth, axis_y);
  svg += Format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", kLeft,
                kTop, kLeft, axis_y);
  for (double decade = from; decade <= to; ++decade) {
    const double x = x_of(std::pow(10.0, decade));
    svg += Format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", x,
                  axis_y, x, axis_y + 5);
    svg += Format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, axis_y + 20);
    svg += FormatMicros(std::pow(10.0, decade)) + "</text>\n";
  }
  svg += Format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", kLeft + kPlotWidth / 2,
                kHeight - 18);
  svg += "latency (log scale)</text>\n";
  svg += Format(
      "<text transform=\"translate(20 %.1f) rotate(-90)\" text-anchor=\"middle\">messages"
      "</text>\n",
      kTop + kPlotHeight / 2);
  if (p99_us > 0) svg += Marker(x_of(std::max(p99_us, 1.0)), "p99", p99_us, /*row=*/0);
  if (p50_us > 0) svg += Marker(x_of(std::max(p50_us, 1.0)), "p50", p50_us, /*row=*/1);
  return svg + "</svg>\n";
}

}  // namespace parley::bench
