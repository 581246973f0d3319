// The moments scenario of parley-bench (--scenario moments --friends N --days D): registers a
// reader and N friends (the reader accepts each friend's request), lets every friend post one
// moment a day for D days (--setup-threads HTTP clients at once; the moments are stored now,
// the days only set how many), makes each friend a friend of the next three (a ring), gives
// each moment of the newest day 3 likes and 2 comments by those friends, then times --repeats reads
// of the reader's first feed page (GET /api/v1/moments, 20 moments with their likes and comments)
// one after another on one keep-alive connection. The report gives p50, p90, p99 and max, and the
// server's CPU time per read with --pid. The server must let one address register N + 1 accounts
// (--registrations-per-address). Blocking; runs on the main thread (plus the setup threads).
#ifndef PARLEY_TOOLS_BENCH_MOMENTS_BENCH_H_
#define PARLEY_TOOLS_BENCH_MOMENTS_BENCH_H_

#include "tools/bench/bench_options.h"

namespace parley::bench {

// Returns the process exit code: 0 when every read returned a full first page.
int RunMomentsBench(const BenchOptions& options);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_MOMENTS_BENCH_H_
