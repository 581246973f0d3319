// The sync scenario of parley-bench (--scenario sync --conversations N): registers one user,
// creates N groups with that user as the only member (--setup-threads HTTP clients at once; the
// server must allow N creations an hour, --group-creations-per-hour), sends one message into
// each over one WebSocket (256 in flight), then measures --repeats times, each on a new
// connection, the time from sending hello to receiving synced:
//   (a) a fresh device: no cursors, so every message of every conversation is replayed;
//   (b) a device with a cursor at the latest seq of every conversation: nothing to replay, but
//       without a sync token, so synced lists every conversation;
//   (c) the same cursors with the token of the previous synced (the sync delta): nothing
//       changed in between, so synced lists none.
// Only counting happens on the client side while it waits (no JSON parsing), so the figures are
// the server's work plus the loopback. The report gives p50 and max of each.
// Blocking; runs on the main thread (plus the setup threads).
#ifndef PARLEY_TOOLS_BENCH_SYNC_BENCH_H_
#define PARLEY_TOOLS_BENCH_SYNC_BENCH_H_

#include "tools/bench/bench_options.h"

namespace parley::bench {

// Returns the process exit code: 0 when every sync finished and listed every conversation.
int RunSyncBench(const BenchOptions& options);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_SYNC_BENCH_H_
