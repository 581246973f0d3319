// A process as /proc shows it (Linux): its memory (/proc/PID/status), its CPU time
// (/proc/PID/stat) and its threads (/proc/PID/task); and the bench's own CPU time.
// Stateless; thread-safe.
#ifndef PARLEY_TOOLS_BENCH_PROC_STATS_H_
#define PARLEY_TOOLS_BENCH_PROC_STATS_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace parley::bench {

struct ProcessMemory {
  int64_t rss_kib = 0;       // VmRSS: resident now
  int64_t peak_rss_kib = 0;  // VmHWM: resident high-water mark
};

// CPU time a process has used so far, all its threads together, in clock ticks.
struct CpuTicks {
  int64_t user = 0;    // utime, field 14 of /proc/PID/stat
  int64_t system = 0;  // stime, field 15
};

// nullopt when the process does not exist or /proc is unreadable.
std::optional<ProcessMemory> ReadProcessMemory(int64_t pid);

// Parses the text of /proc/PID/stat. The command name (field 2) is in parentheses and may hold
// spaces and ')', so fields are counted from the LAST ')'. nullopt when the text does not parse.
std::optional<CpuTicks> ParseProcStat(std::string_view text);

// The CPU seconds (user + system) process `pid` has used; nullopt as for ReadProcessMemory.
std::optional<double> ReadProcessCpuSeconds(int64_t pid);

// The CPU seconds (user + system) this process has used, every thread together (getrusage).
double OwnCpuSeconds();

// The thread ids of `pid` (the entries of /proc/PID/task); empty when it cannot be read.
std::vector<int64_t> ListThreads(int64_t pid);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_PROC_STATS_H_
