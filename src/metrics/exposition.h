// The pieces of the Prometheus text format (0.0.4) that need care: escaping and numbers.
// Pure functions; used by metrics.cc and tested on their own.
#ifndef PARLEY_METRICS_EXPOSITION_H_
#define PARLEY_METRICS_EXPOSITION_H_

#include <string>
#include <string_view>

#include "metrics/metrics.h"

namespace parley::metrics {

// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool IsMetricName(std::string_view name);
// Whether `name` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool IsLabelName(std::string_view name);

// A HELP text: backslash and line feed escaped.
std::string EscapeHelp(std::string_view help);
// A label value: backslash, double quote and line feed escaped.
std::string EscapeLabelValue(std::string_view value);

// A sample value: integers without a fraction, others in their shortest round-trip form,
// "+Inf", "-Inf" and "NaN".
std::string FormatValue(double value);

// `{a="x",b="y"}` (empty for no labels); `extra` (e.g. le) is appended when not empty.
std::string FormatLabels(const Labels& labels, const std::pair<std::string, std::string>* extra);

}  // namespace parley::metrics

#endif  // PARLEY_METRICS_EXPOSITION_H_
