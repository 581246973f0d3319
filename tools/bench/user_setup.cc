#include "tools/bench/user_setup.h"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "client/http_api.h"
#include "client/wire_codes.h"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `call` until it is not rate limited or the deadline passes.
template <typename Fn>
auto RetryWhileRateLimited(Clock::time_point deadline, Fn&& call) {
  for (;;) {
    auto result = call();
    bool limited = !result.ok() && result.status().code() == Code::kRateLimited;
    if (!limited || Clock::now() + std::chrono::seconds(1) > deadline) return result;
    static std::once_flag hint;
    std::call_once(hint, [] {
      std::cerr << "  rate limited by the server; retrying each second (for large runs start "
                   "parleyd with --registrations-per-address 1000000 "
                   "--login-attempts-per-address 1000000)\n";
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

Result<BenchUser> SetUpOne(client::HttpApi& api, const std::string& username,
                           const std::string& password, Clock::time_point deadline) {
  auto registered =
      RetryWhileRateLimited(deadline, [&] { return api.Register(username, password); });
  if (!registered.ok()) return registered.status();
  auto login =
      RetryWhileRateLimited(deadline, [&] { return api.Login(username, password, "bench"); });
  if (!login.ok()) return login.status();
  return BenchUser{login->user.id, login->token};
}

}  // namespace

Result<std::vector<BenchUser>> SetUpUsers(const BenchOptions& options, const std::string& prefix,
                                          int count) {
  std::vector<BenchUser> users(static_cast<size_t>(count));
  const std::string password = "bench-" + prefix;
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options.setup_timeout_s * 1e3));
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::mutex mutex;
  Status failure;  // guarded by mutex: the first failure stops every worker

  auto worker = [&] {
    client::HttpApi api(options.endpoint);
    for (int i = next++; i < count; i = next++) {
      {
        std::lock_guard lock(mutex);
        if (!failure.ok()) return;
      }
      Result<BenchUser> user = SetUpOne(api, prefix + "_" + std::to_string(i), password, deadline);
      std::lock_guard lock(mutex);
      if (!user.ok()) {
        if (failure.ok()) failure = user.status();
        return;
      }
      users[static_cast<size_t>(i)] = std::move(user).value();
      if (int n = ++done; n % 1000 == 0) std::cerr << "  " << n << " users ready\n";
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.setup_threads); ++t) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  if (!failure.ok()) return failure;
  return users;
}

}  // namespace parley::bench
