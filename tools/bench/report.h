// The bench's final report on stdout. Stateless.
#ifndef PARLEY_TOOLS_BENCH_REPORT_H_
#define PARLEY_TOOLS_BENCH_REPORT_H_

#include <optional>

#include "tools/bench/bench_options.h"
#include "tools/bench/proc_stats.h"
#include "tools/bench/shard.h"

namespace parley::bench {

struct MemoryReport {
  std::optional<ProcessMemory> before;  // before the connections were opened
  std::optional<ProcessMemory> after;   // with every connection open
  std::optional<ProcessMemory> end;     // at the end of the run
};

// CPU seconds (user + system) used over the measured phase.
struct CpuReport {
  std::optional<double> server_s;  // with --pid, when /proc/PID/stat could be read
  double bench_s = 0;
};

// Prints connections, counts, errors by code, throughput over the measured phase with the CPU
// it took per acked message, latency percentiles and server memory. `total` is the merge of
// every shard's stats.
void PrintReport(const BenchOptions& options, ShardStats& total, const MemoryReport& memory,
                 const CpuReport& cpu);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_REPORT_H_
