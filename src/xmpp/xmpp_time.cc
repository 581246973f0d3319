#include "xmpp/xmpp_time.h"

#include <chrono>
#include <cstdio>

namespace parley::xmpp {
namespace {

namespace chrono = std::chrono;

// Exactly `width` ASCII digits at `at`, or -1.
int Digits(std::string_view text, size_t at, size_t width) {
  if (at + width > text.size()) return -1;
  int value = 0;
  for (size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool CharAt(std::string_view text, size_t at, char expected) {
  return at < text.size() && text[at] == expected;
}

}  // namespace

std::optional<int64_t> ParseDateTime(std::string_view text) {
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (year < 1970 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
      !CharAt(text, 4, '-') || !CharAt(text, 7, '-') || !CharAt(text, 10, 'T') ||
      !CharAt(text, 13, ':') || !CharAt(text, 16, ':') || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const chrono::year_month_day date{chrono::year(year), chrono::month(static_cast<unsigned>(month)),
                                    chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  size_t at = 19;
  int64_t millis = 0;
  if (CharAt(text, at, '.')) {
    ++at;
    const size_t digits_from = at;
    int64_t scale = 100;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      millis += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == digits_from) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (CharAt(text, at, 'Z')) {
    ++at;
  } else if (CharAt(text, at, '+') || CharAt(text, at, '-')) {
    const int hours = Digits(text, at + 1, 2), minutes = Digits(text, at + 4, 2);
    if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59 || !CharAt(text, at + 3, ':')) {
      return std::nullopt;
    }
    offset_minutes = (text[at] == '+' ? 1 : -1) * (hours * 60 + minutes);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  const int64_t days = chrono::sys_days(date).time_since_epoch().count();
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  if (seconds < 0) return std::nullopt;
  return seconds * 1000 + millis;
}

std::string FormatDateTime(int64_t millis) {
  const chrono::sys_time<chrono::milliseconds> time{chrono::milliseconds(millis)};
  const chrono::sys_days days = chrono::floor<chrono::days>(time);
  const chrono::year_month_day date{days};
  const int64_t in_day = (time - days).count();
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(in_day / 3'600'000),
                static_cast<int>(in_day / 60'000 % 60), static_cast<int>(in_day / 1000 % 60),
                static_cast<int>(in_day % 1000));
  return out;
}

}  // namespace parley::xmpp
