// The group scenario of parley-bench (--group-members N): registers N users, puts them in one
// group (created by the first user, the others added in chunks of 1000 over HTTP), connects
// `online` of them, then the first user sends --group-messages messages at --group-interval-ms
// (each after the previous ack). Every other connected member records when each message
// arrived; the report gives, per message, the time from send to its LAST delivery (p50, p90,
// p99, max), the latency of every single delivery, and deliveries per second.
// Blocking; runs on the main thread with --threads event loops for the receivers.
#ifndef PARLEY_TOOLS_BENCH_GROUP_BENCH_H_
#define PARLEY_TOOLS_BENCH_GROUP_BENCH_H_

#include "tools/bench/bench_options.h"

namespace parley::bench {

// Returns the process exit code: 0 when every message reached every connected member.
int RunGroupBench(const BenchOptions& options);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_GROUP_BENCH_H_
