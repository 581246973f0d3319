// BenchOptions: everything `parley-bench` can be told on its command line (see main.cc).
// Plain value; copied into each shard before the run starts.
#ifndef PARLEY_TOOLS_BENCH_BENCH_OPTIONS_H_
#define PARLEY_TOOLS_BENCH_BENCH_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "client/endpoint.h"

namespace parley::bench {

struct BenchOptions {
  client::Endpoint endpoint{"127.0.0.1", 8080};
  // More nodes of a cluster (--also-server): user u's connections go to node u % nodes (the
  // first being `endpoint`), so the partners of a conversation sit on different nodes. Setup
  // and the other scenarios use `endpoint` only.
  std::vector<client::Endpoint> more_endpoints;
  const client::Endpoint& EndpointOfUser(int64_t user) const {
    const size_t nodes = 1 + more_endpoints.size();
    const size_t node = static_cast<size_t>(user) % nodes;
    return node == 0 ? endpoint : more_endpoints[node - 1];
  }
  int connections = 100;          // WebSocket connections in total
  int users = 0;                  // 0 = one user per connection; else connections spread as devices
  double rate = 0;                // messages/s in total; 0 = as fast as the window allows
  int window = 0;                 // unacked sends per connection; 0 = 4 at rate 0, 256 with a rate
  double duration_s = 10;         // measured phase
  double warmup_s = 2;            // sends before the measured phase are not counted
  double drain_s = 3;             // after the run, how long to wait for outstanding acks/deliveries
  int size = 64;                  // message text bytes
  int64_t server_pid = 0;         // 0 = do not sample server memory and CPU
  int server_cpu = -1;            // with server_pid: pin every server thread to this CPU
  int bench_cpu = -1;             // pin the bench itself to this CPU; -1 = no pinning
  std::string histogram_file;     // an SVG of the measured ack latencies; empty = none
  bool idle = false;              // only open connections and hold them
  int threads = 1;                // event loops (one thread each)
  int connect_concurrency = 200;  // handshakes in progress at once, in total
  int setup_threads = 4;          // parallel HTTP clients registering and logging in users
  double setup_timeout_s = 600;   // give up registering/logging in after this long
  // Group scenario (group_bench.h), when group_members > 0.
  int group_members = 0;       // users in one group
  int online = 0;              // of them connected (0: all); the first one sends
  int group_messages = 100;    // messages sent into the group
  int group_interval_ms = 50;  // between sends (each waits for its ack first)
  // Upload scenario (upload_bench.h), when upload_file is set.
  std::string upload_file;  // uploaded again and again, as an image when it is one
  std::string upload_kind;  // image, voice or file; empty: from the extension
  int uploads = 20;         // uploads in total
  int concurrency = 1;      // uploads in progress at once (one user and thread each)
  // Sync scenario (sync_bench.h), when scenario == "sync".
  std::string scenario;      // "sync" or "moments"; empty: the scenario the other options pick
  int conversations = 1000;  // conversations the one user is in
  int repeats = 5;           // hellos timed, of each kind (moments: feed reads timed)
  // Moments scenario (moments_bench.h), when scenario == "moments".
  int friends = 500;  // the reader's friends
  int days = 7;       // moments each friend posts (one a day)
};

}  // namespace parley::bench

#endif  // PARLEY_TOOLS_BENCH_BENCH_OPTIONS_H_
