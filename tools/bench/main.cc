// parley-bench: a load generator for a Parley server. See `parley-bench --help`.
//
// Phases: register and log in users over HTTP; open the WebSockets (bounded concurrency);
// then either hold them (--idle) or send messages for --warmup + --duration seconds; drain;
// close; report. Every phase is bounded in time, so the tool always ends by itself.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "client/endpoint.h"
#include "client/wire_codes.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/cpu_pin.h"
#include "tools/bench/group_bench.h"
#include "tools/bench/histogram.h"
#include "tools/bench/moments_bench.h"
#include "tools/bench/proc_stats.h"
#include "tools/bench/progress.h"
#include "tools/bench/report.h"
#include "tools/bench/shard.h"
#include "tools/bench/sync_bench.h"
#include "tools/bench/upload_bench.h"
#include "tools/bench/user_setup.h"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::string RandomRunId() {
  char text[8];
  std::snprintf(text, sizeof(text), "%06x",
                static_cast<unsigned>(std::random_device{}() & 0xffffff));
  return text;
}

std::chrono::milliseconds Seconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// Splits the connections over the shards: connection i belongs to user i % users, and is that
// user's primary connection when i < users.
std::vector<std::unique_ptr<Shard>> MakeShards(const BenchOptions& options,
                                               const std::vector<BenchUser>& users,
                                               const std::string& run_id) {
  int threads = std::max(1, options.threads);
  BenchOptions shard_options = options;
  shard_options.rate = options.rate / threads;
  int recipients = std::min<int>(static_cast<int>(users.size()), options.connections);
  std::vector<std::unique_ptr<Shard>> shards;
  for (int t = 0; t < threads; ++t) {
    std::vector<int> conn_users;
    std::vector<bool> primary;
    for (int i = t; i < options.connections; i += threads) {
      conn_users.push_back(i % static_cast<int>(users.size()));
      primary.push_back(i < static_cast<int>(users.size()));
    }
    shards.push_back(std::make_unique<Shard>(
        shard_options, users, std::move(conn_users), std::move(primary), recipients,
        "b" + run_id + "-" + std::to_string(t) + "-", options.connect_concurrency / threads));
  }
  return shards;
}

// Waits until every shard has tried all its connections (or the timeout passes).
void WaitUntilOpen(std::vector<std::unique_ptr<Shard>>& shards, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto last_report = Clock::now();
  for (;;) {
    bool ready = true;
    int established = 0;
    for (auto& shard : shards) {
      ready = ready && shard->ready();
      established += shard->established();
    }
    if (ready || Clock::now() > deadline) return;
    if (Clock::now() - last_report > std::chrono::seconds(2)) {
      std::cerr << "  " << established << " connections established\n";
      last_report = Clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Pins the server and the bench to the CPUs asked for, saying so on stdout; false when it could
// not. Runs before the bench starts any thread, and its threads inherit the pinning.
bool PinAsAsked(const BenchOptions& options) {
  if (options.server_cpu >= 0) {
    Result<int> pinned =
        options.server_pid > 0
            ? PinProcess(options.server_pid, options.server_cpu)
            : Result<int>(Status(Code::kInvalidArgument, "--server-cpu needs --pid"));
    if (!pinned.ok()) {
      std::cerr << "parley-bench: pinning the server: " << pinned.status().message() << "\n";
      return false;
    }
    std::printf("pinned: server pid %lld (%d threads) to cpu %d\n",
                static_cast<long long>(options.server_pid), *pinned, options.server_cpu);
  }
  if (options.bench_cpu >= 0) {
    Result<int> pinned = PinProcess(getpid(), options.bench_cpu);
    if (!pinned.ok()) {
      std::cerr << "parley-bench: pinning the bench: " << pinned.status().message() << "\n";
      return false;
    }
    std::printf("pinned: bench to cpu %d\n", options.bench_cpu);
  }
  return true;
}

// Draws the measured ack latencies into --histogram's file, if one was asked for.
void WriteHistogram(const BenchOptions& options, ShardStats& total) {
  if (options.histogram_file.empty() || total.ack.count() == 0) return;
  const std::string load =
      options.rate > 0 ? std::to_string(static_cast<int64_t>(options.rate)) + " msgs/s offered"
                       : "saturation";
  const std::string title = "ack latency: " + std::to_string(total.ack.count()) + " messages, " +
                            std::to_string(options.connections) + " connections, " + load;
  const double p50_us = total.ack.PercentileMillis(0.5) * 1e3;
  const double p99_us = total.ack.PercentileMillis(0.99) * 1e3;
  std::ofstream file(options.histogram_file);
  file << HistogramSvg(LogBuckets(total.ack.micros()), title, p50_us, p99_us);
  if (!file.flush()) {
    std::cerr << "parley-bench: cannot write " << options.histogram_file << "\n";
    return;
  }
  std::printf("ack latency histogram: %s\n", options.histogram_file.c_str());
}

int Run(const BenchOptions& options) {
  RaiseFileLimit();
  const std::string run_id = RandomRunId();
  int user_count = options.users > 0 ? options.users : options.connections;
  if (!options.idle && std::min(user_count, options.connections) < 2) {
    std::cerr << "parley-bench: sending needs at least 2 connected users\n";
    return 1;
  }
  std::cerr << "run " << run_id << ": setting up " << user_count << " users\n";
  auto setup_start = Clock::now();
  Result<std::vector<BenchUser>> users = SetUpUsers(options, "b" + run_id, user_count);
  if (!users.ok()) {
    std::cerr << "parley-bench: user setup failed: " << client::FormatStatus(users.status())
              << "\n";
    return 1;
  }
  std::cerr << "users ready in "
            << std::chrono::duration<double>(Clock::now() - setup_start).count() << " s\n";

  MemoryReport memory;
  memory.before = ReadProcessMemory(options.server_pid);
  std::vector<std::unique_ptr<Shard>> shards = MakeShards(options, *users, run_id);
  for (auto& shard : shards) shard->Start();
  WaitUntilOpen(shards, Seconds(options.setup_timeout_s));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the server settle
  memory.after = ReadProcessMemory(options.server_pid);

  CpuReport cpu;
  if (options.idle) {
    std::cerr << "holding connections for " << options.duration_s << " s\n";
    std::this_thread::sleep_for(Seconds(options.duration_s));
  } else {
    RunPlan plan;
    plan.start_ns = NowNanos();
    plan.measure_from_ns = plan.start_ns + Seconds(options.warmup_s).count() * 1000000;
    plan.stop_ns = plan.measure_from_ns + Seconds(options.duration_s).count() * 1000000;
    std::cerr << "sending for " << options.warmup_s << " s warmup + " << options.duration_s
              << " s\n";
    Progress progress(shards, plan.start_ns);
    for (auto& shard : shards) shard->BeginSending(plan);
    progress.SleepUntil(plan.measure_from_ns);
    const std::optional<double> server_start = ReadProcessCpuSeconds(options.server_pid);
    const double bench_start = OwnCpuSeconds();
    progress.SleepUntil(plan.stop_ns);
    const std::optional<double> server_end = ReadProcessCpuSeconds(options.server_pid);
    cpu.bench_s = OwnCpuSeconds() - bench_start;
    if (server_start && server_end) cpu.server_s = *server_end - *server_start;
    progress.SleepUntil(plan.stop_ns + Seconds(options.drain_s).count() * 1000000);
  }
  memory.end = ReadProcessMemory(options.server_pid);
  for (auto& shard : shards) shard->Finish();
  for (auto& shard : shards) shard->Join();

  ShardStats total;
  for (auto& shard : shards) {
    ShardStats& part = shard->stats();
    total.established += part.established;
    total.failed += part.failed;
    total.sent += part.sent;
    total.acked += part.acked;
    total.delivered += part.delivered;
    total.measured_sent += part.measured_sent;
    total.measured_acked += part.measured_acked;
    total.measured_delivered += part.measured_delivered;
    total.skipped += part.skipped;
    for (const auto& [code, count] : part.errors) total.errors[code] += count;
    total.ack.Merge(part.ack);
    total.deliver.Merge(part.deliver);
  }
  PrintReport(options, total, memory, cpu);
  WriteHistogram(options, total);
  return total.established == static_cast<uint64_t>(options.connections) ? 0 : 2;
}

}  // namespace
}  // namespace parley::bench

int main(int argc, char** argv) {
  parley::bench::BenchOptions options;
  std::string server = "http://127.0.0.1:8080";
  CLI::App app{"parley-bench: load generator for a Parley server"};
  app.add_option("--server", server, "server URL, http:// or https://")->capture_default_str();
  std::vector<std::string> more_servers;
  app.add_option(
      "--also-server", more_servers,
      "another node of the same cluster (repeatable): user u connects to node u % nodes");
  std::string ca_file;
  app.add_option("--ca-file", ca_file, "PEM CAs to trust for https:// (default: the system's)");
  app.add_option("--connections", options.connections, "WebSocket connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--users", options.users, "users (default: one per connection)");
  app.add_option("--rate", options.rate, "messages/s in total; 0 = as fast as the window allows")
      ->capture_default_str();
  app.add_option("--window", options.window,
                 "unacked sends per connection (default 4 at rate 0, 256 with --rate)");
  app.add_option("--duration", options.duration_s, "measured seconds")->capture_default_str();
  app.add_option("--warmup", options.warmup_s, "unmeasured seconds first")->capture_default_str();
  app.add_option("--drain", options.drain_s, "seconds to wait for late replies")
      ->capture_default_str();
  app.add_option("--size", options.size, "message text bytes")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--pid", options.server_pid, "server pid, to sample its memory and CPU time");
  app.add_option("--server-cpu", options.server_cpu,
                 "pin every thread of the server (--pid) to this CPU")
      ->check(CLI::Range(0, 1023));
  app.add_option("--bench-cpu", options.bench_cpu, "pin the bench to this CPU")
      ->check(CLI::Range(0, 1023));
  app.add_option("--histogram", options.histogram_file,
                 "write the measured ack latencies as an SVG histogram to FILE");
  app.add_flag("--idle", options.idle, "only open the connections and hold them");
  app.add_option("--threads", options.threads, "event loop threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--connect-concurrency", options.connect_concurrency,
                 "handshakes in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--setup-threads", options.setup_threads, "parallel HTTP clients for setup")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--setup-timeout", options.setup_timeout_s, "seconds for setup phases")
      ->capture_default_str();
  app.add_option("--group-members", options.group_members,
                 "group scenario: users in one group (see group_bench.h)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--online", options.online, "group scenario: members connected (0: all)");
  app.add_option("--group-messages", options.group_messages, "group scenario: messages sent")
      ->capture_default_str();
  app.add_option("--group-interval-ms", options.group_interval_ms,
                 "group scenario: pause between sends")
      ->capture_default_str();
  app.add_option("--upload", options.upload_file,
                 "upload scenario: upload FILE --uploads times (see upload_bench.h)");
  app.add_option("--upload-kind", options.upload_kind,
                 "upload scenario: image, voice or file (default: from the extension)");
  app.add_option("--uploads", options.uploads, "upload scenario: uploads in total")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--concurrency", options.concurrency, "upload scenario: uploads at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--scenario", options.scenario,
                 "sync: one user in --conversations conversations, hello -> synced timed (see "
                 "sync_bench.h); the other scenarios are picked by --upload and --group-members")
      ->check(CLI::IsMember({"sync", "moments"}));
  app.add_option("--conversations", options.conversations, "sync scenario: conversations")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--repeats", options.repeats,
                 "sync scenario: hellos timed of each kind; moments: feed reads timed")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--friends", options.friends, "moments scenario: the reader's friends")
      ->capture_default_str()
      ->check(CLI::Range(4, 100000));
  app.add_option("--days", options.days, "moments scenario: moments each friend posts")
      ->capture_default_str()
      ->check(CLI::Range(1, 60));
  CLI11_PARSE(app, argc, argv);

  parley::Result<parley::client::Endpoint> endpoint = parley::client::ParseServerUrl(server);
  if (!endpoint.ok()) {
    std::cerr << "parley-bench: " << parley::client::FormatStatus(endpoint.status()) << "\n";
    return 1;
  }
  if (endpoint->tls) {
    if (parley::Status s = endpoint->UseCaFile(ca_file); !s.ok()) {
      std::cerr << "parley-bench: " << parley::client::FormatStatus(s) << "\n";
      return 1;
    }
  }
  options.endpoint = *endpoint;
  for (const std::string& url : more_servers) {
    parley::Result<parley::client::Endpoint> more = parley::client::ParseServerUrl(url);
    if (!more.ok()) {
      std::cerr << "parley-bench: " << parley::client::FormatStatus(more.status()) << "\n";
      return 1;
    }
    if (more->tls) {
      if (parley::Status s = more->UseCaFile(ca_file); !s.ok()) {
        std::cerr << "parley-bench: " << parley::client::FormatStatus(s) << "\n";
        return 1;
      }
    }
    options.more_endpoints.push_back(*more);
  }
  if (!parley::bench::PinAsAsked(options)) return 1;
  if (options.scenario == "sync") return parley::bench::RunSyncBench(options);
  if (options.scenario == "moments") return parley::bench::RunMomentsBench(options);
  if (!options.upload_file.empty()) return parley::bench::RunUploadBench(options);
  if (options.group_members > 0) return parley::bench::RunGroupBench(options);
  return parley::bench::Run(options);
}
