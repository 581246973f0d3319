// Registers and logs in the bench's users over HTTP, with a few parallel blocking clients.
//
// Users are named PREFIX_N (PREFIX carries a random run id, so runs never collide) and share
// one password. Each user logs in once; all of its connections use that token (devices of one
// login). A `rate_limited` reply is retried after a pause until the setup deadline.
// Blocking; call from the main thread before the shards start.
#ifndef PARLEY_TOOLS_BENCH_USER_SETUP_H_
#define PARLEY_TOOLS_BENCH_USER_SETUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "tools/bench/bench_options.h"

namespace parley::bench {

struct BenchUser {
  int64_t id = 0;
  std::string token;
};

Result<std::vector<BenchUser>> SetUpUsers(const BenchOptions& options, const std::string& prefix,
                                          int count);

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_USER_SETUP_H_
