#include "tools/bench/proc_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace parley::bench {
namespace {

std::string ProcPath(int64_t pid, const char* entry) {
  return "/proc/" + std::to_string(pid) + "/" + entry;
}

// Skips `count` space-separated fields of `text`.
std::string_view SkipFields(std::string_view text, int count) {
  for (int i = 0; i < count; ++i) {
    const size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) return {};
    const size_t end = text.find(' ', start);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end);
  }
  return text;
}

std::optional<int64_t> NextNumber(std::string_view& text) {
  const size_t start = text.find_first_not_of(' ');
  if (start == std::string_view::npos) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + start, text.data() + text.size(), value);
  if (ec != std::errc() || (end != text.data() + text.size() && *end != ' ')) return std::nullopt;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return value;
}

}  // namespace

std::optional<ProcessMemory> ReadProcessMemory(int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream status(ProcPath(pid, "status"));
  if (!status) return std::nullopt;
  ProcessMemory memory;
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream fields(line);
    std::string key;
    int64_t kib = 0;
    fields >> key >> kib;
    if (key == "VmRSS:") memory.rss_kib = kib;
    if (key == "VmHWM:") memory.peak_rss_kib = kib;
  }
  return memory;
}

std::optional<CpuTicks> ParseProcStat(std::string_view text) {
  const size_t name_end = text.rfind(')');
  if (name_end == std::string_view::npos) return std::nullopt;
  // After the name: state (3), ppid .. cmajflt (4..13), then utime (14) and stime (15).
  std::string_view rest = SkipFields(text.substr(name_end + 1), 11);
  std::optional<int64_t> user = NextNumber(rest);
  std::optional<int64_t> system = NextNumber(rest);
  if (!user || !system) return std::nullopt;
  return CpuTicks{*user, *system};
}

std::optional<double> ReadProcessCpuSeconds(int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream file(ProcPath(pid, "stat"));
  std::string text;
  if (!file || !std::getline(file, text)) return std::nullopt;
  std::optional<CpuTicks> ticks = ParseProcStat(text);
  const long per_second = sysconf(_SC_CLK_TCK);
  if (!ticks || per_second <= 0) return std::nullopt;
  return static_cast<double>(ticks->user + ticks->system) / static_cast<double>(per_second);
}

double OwnCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::vector<int64_t> ListThreads(int64_t pid) {
  std::vector<int64_t> threads;
  std::error_code error;  // the error_code overloads: a thread ending mid-listing throws nothing
  std::filesystem::directory_iterator it(ProcPath(pid, "task"), error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    int64_t tid = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (ec == std::errc() && end == name.data() + name.size()) threads.push_back(tid);
  }
  return threads;
}

}  // namespace parley::bench
