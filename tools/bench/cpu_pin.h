// Pins a whole process (every thread it has now) to one CPU, with sched_setaffinity (Linux), so
// that on a small machine the server and the bench do not take turns on the same cores.
// Threads a process starts later inherit the CPU of the thread that starts them. Stateless.
#ifndef PARLEY_TOOLS_BENCH_CPU_PIN_H_
#define PARLEY_TOOLS_BENCH_CPU_PIN_H_

#include <cstdint>

#include "base/status.h"

namespace parley::bench {

// Pins every thread of `pid` (from /proc/PID/task) to `cpu`; returns how many were pinned.
// kInvalidArgument for a CPU this machine does not have; kUnavailable when the process cannot
// be read or a thread cannot be pinned (not ours, gone).
Result<int> PinProcess(int64_t pid, int cpu);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_CPU_PIN_H_
