#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <ctime>

#include "base/clock.h"
#include "base/log_format.h"
#include "base/utf8.h"

namespace parley {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

const char* LevelName(LogLevel level) {
  return level == LogLevel::kInfo ? "info" : level == LogLevel::kWarning ? "warn" : "error";
}

void AppendTextField(std::string& line, std::string_view key, std::string_view value) {
  line += " ";
  line += key;
  line += "=";
  const bool quote = value.empty() || value.find_first_of(" \"=") != std::string_view::npos;
  if (quote) line += "\"";
  line += value;
  if (quote) line += "\"";
}

// `text` as a JSON string: quotes, backslashes and control characters escaped, bytes that are
// not valid UTF-8 replaced by U+FFFD.
void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const auto decoded = DecodeUtf8At(text, i);
      if (decoded) {
        out.append(text.substr(i, decoded->length));
        i += decoded->length;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
      continue;
    }
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
}

void AppendJsonMember(std::string& line, std::string_view key, std::string_view value) {
  line += ',';
  AppendJsonString(line, key);
  line += ':';
  AppendJsonString(line, value);
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format.store(format, std::memory_order_relaxed); }

std::string FormatLogLine(LogFormat format, std::string_view stamp, LogLevel level,
                          std::string_view event, std::initializer_list<LogField> fields) {
  std::string line;
  if (format == LogFormat::kText) {
    line = std::string(stamp) + " " + LevelName(level) + " " + std::string(event);
    for (const auto& [key, value] : fields) AppendTextField(line, key, value);
    return line;
  }
  line = "{\"ts\":";
  AppendJsonString(line, stamp);
  line += ",\"level\":\"";
  line += LevelName(level);
  line += "\",\"event\":";
  AppendJsonString(line, event);
  for (const auto& [key, value] : fields) {
    const bool reserved = key == "ts" || key == "level" || key == "event";
    AppendJsonMember(line, reserved ? "field_" + std::string(key) : std::string(key), value);
  }
  line += '}';
  return line;
}

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const int64_t now = NowMillis();
  const std::time_t seconds = static_cast<std::time_t>(now / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(now % 1000));
  std::string line =
      FormatLogLine(g_format.load(std::memory_order_relaxed), stamp, level, event, fields);
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace parley
