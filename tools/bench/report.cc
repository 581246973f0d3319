#include "tools/bench/report.h"

#include <cstdio>

namespace parley::bench {
namespace {

void PrintMemory(const char* label, const std::optional<ProcessMemory>& memory) {
  if (!memory) return;
  std::printf("server memory %-7s rss %.1f MiB  peak rss %.1f MiB\n", label,
              static_cast<double>(memory->rss_kib) / 1024.0,
              static_cast<double>(memory->peak_rss_kib) / 1024.0);
}

void PrintMemoryReport(const ShardStats& total, const MemoryReport& memory) {
  PrintMemory("before", memory.before);
  PrintMemory("open", memory.after);
  PrintMemory("end", memory.end);
  if (memory.before && memory.after && total.established > 0) {
    double delta_kib = static_cast<double>(memory.after->rss_kib - memory.before->rss_kib);
    std::printf("server rss per connection: %.1f KiB\n",
                delta_kib / static_cast<double>(total.established));
  }
  if (memory.end) {
    std::printf("server peak rss: %.1f MiB\n",
                static_cast<double>(memory.end->peak_rss_kib) / 1024.0);
  }
}

void PrintCpuReport(const ShardStats& total, const CpuReport& cpu) {
  if (total.measured_acked == 0) return;
  const double acked = static_cast<double>(total.measured_acked);
  if (cpu.server_s) {
    std::printf("server CPU per acked message: %.1f us (%.2f s CPU in the measured phase)\n",
                *cpu.server_s * 1e6 / acked, *cpu.server_s);
  }
  std::printf("bench CPU per acked message: %.1f us (%.2f s CPU in the measured phase)\n",
              cpu.bench_s * 1e6 / acked, cpu.bench_s);
}

}  // namespace

void PrintReport(const BenchOptions& options, ShardStats& total, const MemoryReport& memory,
                 const CpuReport& cpu) {
  std::printf("connections established: %llu of %d (failed %llu)\n",
              static_cast<unsigned long long>(total.established), options.connections,
              static_cast<unsigned long long>(total.failed));
  if (!options.idle) {
    std::printf(
        "sent %llu  acked %llu  delivered %llu  (measured phase: sent %llu, acked %llu, "
        "delivered %llu)\n",
        static_cast<unsigned long long>(total.sent), static_cast<unsigned long long>(total.acked),
        static_cast<unsigned long long>(total.delivered),
        static_cast<unsigned long long>(total.measured_sent),
        static_cast<unsigned long long>(total.measured_acked),
        static_cast<unsigned long long>(total.measured_delivered));
    if (total.skipped > 0) {
      std::printf("sends skipped (window full): %llu\n",
                  static_cast<unsigned long long>(total.skipped));
    }
    double seconds = options.duration_s > 0 ? options.duration_s : 1;
    std::printf("throughput: %.0f msgs/s acked, %.0f msgs/s delivered\n",
                static_cast<double>(total.measured_acked) / seconds,
                static_cast<double>(total.measured_delivered) / seconds);
    PrintCpuReport(total, cpu);
    std::printf("ack latency:     %s\n", total.ack.Summary().c_str());
    std::printf("deliver latency: %s\n", total.deliver.Summary().c_str());
  }
  if (total.errors.empty()) {
    std::printf("errors: none\n");
  } else {
    std::printf("errors:");
    for (const auto& [code, count] : total.errors) {
      std::printf(" %s=%llu", code.c_str(), static_cast<unsigned long long>(count));
    }
    std::printf("\n");
    if (total.errors.count("rate_limited") > 0) {
      std::printf(
          "hint: the server limits frames per session; start it with a higher "
          "--max-frames-per-second, or use more --connections\n");
    }
  }
  PrintMemoryReport(total, memory);
  std::fflush(stdout);
}

}  // namespace parley::bench
