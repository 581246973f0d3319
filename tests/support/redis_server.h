// RedisServer: a real redis-server of the test process's own, for the tests of the cluster bus.
//
// It runs in a temporary directory (its log is redis.log there), listens on 127.0.0.1 at an
// ephemeral port (picked free, picked again if taken before the server bound it), keeps nothing
// on disk (--save "" --appendonly no) and, with a password, wants AUTH (requirepass). Shared()
// starts the process's common server on first use; Launch() starts one a test owns, to stop,
// pause or restart it. Servers are stopped when destroyed (Shared's at process exit): SIGTERM,
// then SIGKILL, and waited for, so no process is left; if the test process dies without
// exiting, the server gets SIGKILL through PR_SET_PDEATHSIG. As root, redis-server runs as root
// (Redis allows it; the server is only reachable on loopback).
//
// No redis-server installed is an error, not a skip: tests must FAIL, not pass.
//
// Thread-safety: every member may be called from any thread. The calls that start the process
// (Shared, Launch, Start, Restart) belong on the main thread: the death signal follows the
// thread that started it.
#ifndef PARLEY_TESTS_SUPPORT_REDIS_SERVER_H_
#define PARLEY_TESTS_SUPPORT_REDIS_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "tests/support/temp_dir.h"

namespace parley::testing_support {

struct RedisServerOptions {
  std::string password;  // empty: no AUTH needed
};

class RedisServer {
 public:
  // The process's common server (no password), started on first call; nullptr (and the reason
  // in *error) if it could not start.
  static RedisServer* Shared(std::string* error);
  // A server of the caller's own.
  static Result<std::unique_ptr<RedisServer>> Launch(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const;
  // "redis://127.0.0.1:<port>", with ":<password>@" when the server has one.
  std::string Url() const;

  // An outage: stops the server (SIGTERM: it closes every connection) and waits for it.
  void Stop();
  // Starts it again on the same port (after Stop).
  Status Start();
  // Stop, then Start.
  Status Restart();
  // SIGSTOP / SIGCONT: the server keeps its connections and answers nothing while paused.
  void Pause();
  void Resume();

 private:
  explicit RedisServer(RedisServerOptions options) : options_(std::move(options)) {}
  // Starts redis-server on port_ (0: a free port picked now, retried if taken meanwhile).
  Status StartLocked();
  Status StartOnce(bool* port_taken);
  void StopLocked();

  const RedisServerOptions options_;
  mutable std::mutex mu_;  // guards everything below
  TempDir dir_;
  std::string binary_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
};

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_SUPPORT_REDIS_SERVER_H_
