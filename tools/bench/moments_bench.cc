#include "tools/bench/moments_bench.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "client/http_api.h"
#include "client/wire_codes.h"
#include "tools/bench/latency.h"
#include "tools/bench/proc_stats.h"
#include "tools/bench/shard.h"
#include "tools/bench/user_setup.h"

namespace parley::bench {
namespace {

constexpr int kPageLimit = 20;

// Runs job(api, i) for i in [0, count) on `threads` HTTP clients, `as(i)` giving the token of
// each call. Stops at the first failure and returns it.
Status InParallel(const BenchOptions& options, int count,
                  const std::function<const std::string&(int)>& as,
                  const std::function<Status(client::HttpApi&, int)>& job) {
  std::atomic<int> next{0};
  std::mutex mutex;
  Status failure;  // guarded by mutex
  auto worker = [&] {
    client::HttpApi api(options.endpoint);
    for (int i = next++; i < count; i = next++) {
      api.set_token(as(i));
      Status done = job(api, i);
      std::lock_guard lock(mutex);
      if (!failure.ok()) return;
      if (!done.ok()) {
        failure = done;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.setup_threads); ++t) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  return failure;
}

Status OkOf(const Result<nlohmann::json>& result) {
  return result.ok() ? Status::Ok() : result.status();
}

// The friendships, the moments and the newest day's likes and comments.
Status Populate(const BenchOptions& options, const BenchUser& reader,
                const std::vector<BenchUser>& friends) {
  const int n = static_cast<int>(friends.size());
  auto friend_token = [&](int i) -> const std::string& { return friends[i % n].token; };
  Status asked = InParallel(options, n, friend_token, [&](client::HttpApi& api, int) {
    return OkOf(api.SendFriendRequest(reader.id));
  });
  if (!asked.ok()) return asked;
  Status accepted = InParallel(
      options, n, [&](int) -> const std::string& { return reader.token; },
      [&](client::HttpApi& api, int i) { return OkOf(api.AcceptFriendRequest(friends[i].id)); });
  if (!accepted.ok()) return accepted;
  // Friends i and i+1..i+3 are friends too, so they may like and comment on each other's.
  Status ring = InParallel(options, n, friend_token, [&](client::HttpApi& api, int i) {
    for (int k = 1; k <= 3; ++k) {
      if (Status s = OkOf(api.SendFriendRequest(friends[(i + k) % n].id)); !s.ok()) return s;
    }
    return Status::Ok();
  });
  if (!ring.ok()) return ring;
  Status ring_accepted = InParallel(options, n, friend_token, [&](client::HttpApi& api, int i) {
    for (int k = 1; k <= 3; ++k) {
      if (Status s = OkOf(api.AcceptFriendRequest(friends[(i - k + n) % n].id)); !s.ok()) return s;
    }
    return Status::Ok();
  });
  if (!ring_accepted.ok()) return ring_accepted;
  std::vector<int64_t> newest(static_cast<size_t>(n));
  for (int day = 0; day < options.days; ++day) {
    Status posted = InParallel(options, n, friend_token, [&](client::HttpApi& api, int i) {
      auto moment = api.PostMoment(
          {{"text", "day " + std::to_string(day) + ": what friend " + std::to_string(i) +
                        " did today, in a sentence or two of ordinary length."}});
      if (!moment.ok()) return moment.status();
      newest[static_cast<size_t>(i)] = (*moment)["id"].get<int64_t>();
      return Status::Ok();
    });
    if (!posted.ok()) return posted;
    std::cerr << "  day " << day + 1 << " of " << options.days << " posted\n";
  }
  // Friend i likes the newest moments of friends i+1..i+3 and comments on those of i+1..i+2.
  return InParallel(options, n, friend_token, [&](client::HttpApi& api, int i) {
    for (int k = 1; k <= 3; ++k) {
      const int64_t moment = newest[static_cast<size_t>((i + k) % n)];
      if (Status s = api.LikeMoment(moment); !s.ok()) return s;
      if (k <= 2) {
        if (Status s = OkOf(api.CommentMoment(moment, "nice!")); !s.ok()) return s;
      }
    }
    return Status::Ok();
  });
}

}  // namespace

int RunMomentsBench(const BenchOptions& options) {
  char run_id[8];
  std::snprintf(run_id, sizeof(run_id), "%06x",
                static_cast<unsigned>(std::random_device{}() & 0xffffff));
  std::cerr << "moments run " << run_id << ": a reader with " << options.friends
            << " friends posting daily for " << options.days << " days\n";
  auto users = SetUpUsers(options, std::string("f") + run_id, options.friends + 1);
  if (!users.ok()) {
    std::cerr << "parley-bench: user setup failed: " << client::FormatStatus(users.status())
              << " (start parleyd with --registrations-per-address " << options.friends + 1
              << " or more)\n";
    return 1;
  }
  const BenchUser reader = users->front();
  const std::vector<BenchUser> friends(users->begin() + 1, users->end());
  const int64_t setup_start = NowNanos();
  if (Status s = Populate(options, reader, friends); !s.ok()) {
    std::cerr << "parley-bench: setup failed: " << client::FormatStatus(s) << "\n";
    return 1;
  }
  std::cerr << options.friends * options.days << " moments ready in "
            << (NowNanos() - setup_start) / 1e9 << " s\n";

  client::HttpApi api(options.endpoint);
  api.set_token(reader.token);
  LatencySamples pages;
  size_t interactions = 0;
  const std::optional<double> cpu_start = ReadProcessCpuSeconds(options.server_pid);
  for (int i = 0; i < options.repeats; ++i) {
    const int64_t started = NowNanos();
    auto page = api.Moments(0, "", kPageLimit);
    const int64_t nanos = NowNanos() - started;
    if (!page.ok() || (*page)["moments"].size() != static_cast<size_t>(kPageLimit)) {
      std::cerr << "parley-bench: feed read "
                << (page.ok() ? "returned a short page" : client::FormatStatus(page.status()))
                << "\n";
      return 2;
    }
    pages.Add(nanos);
    interactions = 0;
    for (const auto& moment : (*page)["moments"]) {
      interactions += moment["likes"].size() + moment["comments"].size();
    }
  }
  const std::optional<double> cpu_end = ReadProcessCpuSeconds(options.server_pid);
  std::printf(
      "moments: a reader with %d friends, %d moments each; first feed page (%d moments, %zu "
      "likes and comments visible), %d reads\n",
      options.friends, options.days, kPageLimit, interactions, options.repeats);
  std::printf("first page: %s", pages.Summary().c_str());
  if (cpu_start && cpu_end) {
    std::printf("  server CPU %.2f ms per read", (*cpu_end - *cpu_start) * 1e3 / options.repeats);
  }
  std::printf("\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace parley::bench
