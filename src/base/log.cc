#include "base/log.h"

#include <cstdio>
#include <ctime>

#include "base/clock.h"

namespace parley {

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const int64_t now = NowMillis();
  const std::time_t seconds = static_cast<std::time_t>(now / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(now % 1000));
  const char* name = level == LogLevel::kInfo      ? "info"
                     : level == LogLevel::kWarning ? "warn"
                                                   : "error";
  std::string line = std::string(stamp) + " " + name + " " + std::string(event);
  for (const auto& [key, value] : fields) {
    line += " ";
    line += key;
    line += "=";
    const bool quote = value.empty() || value.find_first_of(" \"=") != std::string::npos;
    if (quote) line += "\"";
    line += value;
    if (quote) line += "\"";
  }
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace parley
