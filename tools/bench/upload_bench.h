// The upload scenario of parley-bench (--upload FILE): registers --concurrency users, then
// each of them, on a thread of its own, uploads FILE over and over (create, PUT chunks of the
// server's chunk size, complete) until --uploads uploads are done in total. The report gives
// the throughput of the bytes (MB/s over the whole run and per upload while its chunks were
// sent) and the latency of the complete step, where the server sniffs, decodes, strips and
// thumbnails (p50, p90, p99, max).
// Blocking; runs on the main thread plus one thread per concurrent upload.
#ifndef PARLEY_TOOLS_BENCH_UPLOAD_BENCH_H_
#define PARLEY_TOOLS_BENCH_UPLOAD_BENCH_H_

#include "tools/bench/bench_options.h"

namespace parley::bench {

// Returns the process exit code: 0 when every upload completed.
int RunUploadBench(const BenchOptions& options);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_UPLOAD_BENCH_H_
