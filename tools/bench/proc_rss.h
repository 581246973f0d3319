// Memory of another process, from /proc/PID/status (Linux). Stateless; thread-safe.
#ifndef PARLEY_TOOLS_BENCH_PROC_RSS_H_
#define PARLEY_TOOLS_BENCH_PROC_RSS_H_

#include <cstdint>
#include <optional>

namespace parley::bench {

struct ProcessMemory {
  int64_t rss_kib = 0;       // VmRSS: resident now
  int64_t peak_rss_kib = 0;  // VmHWM: resident high-water mark
};

// nullopt when the process does not exist or /proc is unreadable.
std::optional<ProcessMemory> ReadProcessMemory(int64_t pid);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_PROC_RSS_H_
