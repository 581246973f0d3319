#include "net/request_log.h"

#include <cstdio>
#include <random>

#include "base/log.h"

namespace parley::net {
namespace {

constexpr size_t kMaxWordBytes = 32;
constexpr size_t kMaxLoggedSegments = 8;

// Lowercase letters, '_' and '-', then at most two digits ("accounts", "v1"); random codes and
// ids (hex, base64) mix letters and digits and fail this.
bool IsPlainWord(std::string_view segment) {
  if (segment.empty() || segment.size() > kMaxWordBytes) return false;
  size_t letters = 0;
  while (letters < segment.size() && ((segment[letters] >= 'a' && segment[letters] <= 'z') ||
                                      segment[letters] == '_' || segment[letters] == '-')) {
    ++letters;
  }
  if (letters == 0 || segment.size() - letters > 2) return false;
  for (size_t i = letters; i < segment.size(); ++i) {
    if (segment[i] < '0' || segment[i] > '9') return false;
  }
  return true;
}

bool IsNumber(std::string_view segment) {
  if (segment.empty() || segment.size() > 19) return false;
  for (char c : segment) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 generator(std::random_device{}());
  char id[17];
  std::snprintf(id, sizeof(id), "%016llx", static_cast<unsigned long long>(generator()));
  return id;
}

std::string LoggedPath(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::string path;
  size_t segments = 0;
  while (!target.empty() && target.front() == '/') {
    target.remove_prefix(1);
    const size_t end = target.find('/');
    const std::string_view segment = target.substr(0, end);
    if (++segments > kMaxLoggedSegments) {
      path += "/...";
      break;
    }
    path += '/';
    const bool shown = segment.empty() || IsPlainWord(segment) || IsNumber(segment);
    path += shown ? std::string(segment) : std::string("*");
    if (end == std::string_view::npos) break;
    target.remove_prefix(end);
  }
  if (path.empty()) return target.empty() ? "/" : "*";
  return path;
}

void LogHttpRequest(std::string_view request_id, std::string_view method, std::string_view target,
                    unsigned status, std::chrono::steady_clock::duration took) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  char ms[32];
  std::snprintf(ms, sizeof(ms), "%.3f", static_cast<double>(micros) / 1000.0);
  Log(status >= 500 ? LogLevel::kWarning : LogLevel::kInfo, "http_request",
      {{"request_id", std::string(request_id)},
       {"method", std::string(method)},
       {"path", LoggedPath(target)},
       {"status", std::to_string(status)},
       {"ms", ms}});
}

}  // namespace parley::net
