// What the tests' real servers (postgres_server.h, redis_server.h) need to run a server program:
// a free loopback port, the program started with its output in a log file, waiting for it to
// end, and the tail of its log for an error message.
//
// Spawn closes every other descriptor in the child, gives it `death_signal` when the thread that
// started it ends (0: none: the server outlives this process), and, as root, may run it as an
// unprivileged user. Thread-safety: plain functions; no shared state.
#ifndef PARLEY_TESTS_SUPPORT_SERVER_SPAWN_H_
#define PARLEY_TESTS_SUPPORT_SERVER_SPAWN_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace parley::testing_support {

// Who a spawned server runs as: ourselves, or (switch_user) uid/gid.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// A port that was free a moment ago on 127.0.0.1 (0 if none could be had).
int PickLoopbackPort();

// Starts argv[0] (a path) with argv, stdin from /dev/null, stdout and stderr appended to
// `log_path`. -1 if it could not start.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path, int death_signal,
            const RunAs& as = {});

// Waits for `pid` to end: its exit status (128 + the signal if killed), or -1 if it is still
// running after `timeout`.
int WaitForExit(pid_t pid, std::chrono::steady_clock::duration timeout);

// The whole file (empty if it cannot be read), and the last `bytes` of a text.
std::string ReadFile(const std::string& path);
std::string Tail(const std::string& text, size_t bytes = 2000);

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_SUPPORT_SERVER_SPAWN_H_
