#include "tools/bench/proc_rss.h"

#include <fstream>
#include <sstream>
#include <string>

namespace parley::bench {

std::optional<ProcessMemory> ReadProcessMemory(int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
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

}  // namespace parley::bench
