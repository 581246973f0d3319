// How the logging facade (base/log.h) writes its lines, chosen once at start-up
// (`--log-format`):
//   text  `2026-12-05T15:04:49.123Z info event key=value key="a value"` (the default);
//   json  one JSON object per line: {"ts":"2026-...Z","level":"info","event":"...",
//         "key":"value",...}; every field value is a JSON string. A field named ts, level or
//         event is written as field_ts, field_level, field_event so that no key repeats.
// Bytes that are not valid UTF-8 become U+FFFD and control characters are escaped, so every
// line parses whatever a field holds. Thread-safe; set it before other threads log.
#ifndef PARLEY_BASE_LOG_FORMAT_H_
#define PARLEY_BASE_LOG_FORMAT_H_

#include <initializer_list>
#include <string>
#include <string_view>

#include "base/log.h"

namespace parley {

enum class LogFormat { kText, kJson };

void SetLogFormat(LogFormat format);

// The line Log() writes in `format` (without the final line feed); `stamp` is the ISO 8601
// time. Exposed for tests.
std::string FormatLogLine(LogFormat format, std::string_view stamp, LogLevel level,
                          std::string_view event, std::initializer_list<LogField> fields);

}  // namespace parley

#endif  // PARLEY_BASE_LOG_FORMAT_H_
