// The logging facade: one line per event on stderr, `time level event key=value ...`.
// Log at module boundaries only; never log message bodies, passwords or tokens.
// Thread-safe (each line is written with a single call).
#ifndef PARLEY_BASE_LOG_H_
#define PARLEY_BASE_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace parley {

enum class LogLevel { kInfo, kWarning, kError };

using LogField = std::pair<std::string_view, std::string>;

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

}  // namespace parley

#endif  // PARLEY_BASE_LOG_H_
