#include "tools/bench/cpu_pin.h"

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tools/bench/proc_stats.h"

namespace parley::bench {

Result<int> PinProcess(int64_t pid, int cpu) {
  const long cpus = sysconf(_SC_NPROCESSORS_CONF);
  if (cpu < 0 || cpu >= cpus || cpu >= CPU_SETSIZE) {
    return Status(Code::kInvalidArgument, "cpu " + std::to_string(cpu) + " does not exist (" +
                                              std::to_string(cpus) + " cpus)");
  }
  const std::vector<int64_t> threads = ListThreads(pid);
  if (threads.empty()) {
    return Status(Code::kUnavailable, "no threads under /proc/" + std::to_string(pid) + "/task");
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  for (int64_t tid : threads) {
    if (sched_setaffinity(static_cast<pid_t>(tid), sizeof(set), &set) != 0) {
      return Status(Code::kUnavailable,
                    "pinning thread " + std::to_string(tid) + ": " + std::strerror(errno));
    }
  }
  return static_cast<int>(threads.size());
}

}  // namespace parley::bench
