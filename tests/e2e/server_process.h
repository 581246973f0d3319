// ServerProcess: a real parleyd child process for end-to-end tests, on 127.0.0.1.
//
// Start() makes a fresh temporary data directory (mkdtemp), runs
//   parleyd --listen 127.0.0.1:0 --data-dir DIR --argon2-ops 1 --argon2-memory-kib 8
//           --registrations-per-address 100000 --direct-messages-require-friendship false EXTRA...
// (a later option wins, so EXTRA may set either back)
// and waits for its "parleyd listening on 127.0.0.1:PORT" line. The child's stdout and stderr
// are collected (output()); set PARLEY_E2E_VERBOSE=1 to also echo them to this stderr.
// Restart() stops the server and starts it again on the same data directory; the new process
// listens on a new ephemeral port, so read port()/endpoint() again after it.
//
// Ownership: the object owns the child and the directory. The destructor always SIGKILLs and
// reaps a child still running and removes the directory, so no test leaves a server behind.
// The child also gets SIGKILL if the thread that started it dies (PR_SET_PDEATHSIG).
// Thread-safety: none; call from the test's thread.
#ifndef PARLEY_TESTS_E2E_SERVER_PROCESS_H_
#define PARLEY_TESTS_E2E_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "client/endpoint.h"
#include "tests/support/sanitizer_slack.h"

namespace parley::e2e {

class ServerProcess {
 public:
  struct Options {
    std::vector<std::string> extra_args;             // appended to the command line
    std::string binary;                              // empty: the parleyd CMake built
    std::chrono::milliseconds start_timeout{15000};  // until the "listening on" line
    // Non-empty when extra_args make the server speak TLS: endpoint() and url() are then
    // https://, trusting only the PEM CAs of this file.
    std::string tls_ca_file;
  };

  static Result<std::unique_ptr<ServerProcess>> Start(Options options);
  static Result<std::unique_ptr<ServerProcess>> Start() { return Start(Options()); }

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  client::Endpoint endpoint() const;
  std::string url() const {
    return (options_.tls_ca_file.empty() ? "http://" : "https://") + std::string("127.0.0.1:") +
           std::to_string(port_);
  }
  pid_t pid() const { return pid_; }
  // The server's resident memory (VmRSS from /proc/PID/status) in MiB; -1 if unreadable.
  double ResidentMiB() const;
  bool running() const { return pid_ > 0; }
  const std::string& data_dir() const { return data_dir_; }

  // SIGKILL and reap (a crash, as far as the data directory is concerned).
  void Kill();
  // SIGTERM, then wait up to `timeout` for a graceful exit (SIGKILL after it). Returns the exit
  // code, 128 + signal number when killed by a signal, or -1 when nothing was running.
  int Stop(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  // Sends `signal_number` to the server, and nothing else.
  void Signal(int signal_number);
  // Waits up to `timeout` for the server to exit (SIGKILL after it); returns as Stop() does.
  int WaitForExit(std::chrono::milliseconds timeout);
  // Waits up to `timeout` until the server's output contains `text`; false if it never did.
  bool WaitForOutput(std::string_view text, std::chrono::milliseconds timeout);
  // Stop(), then start again on the same data directory (and a new port); the second form
  // replaces the extra arguments first.
  Status Restart();
  Status Restart(std::vector<std::string> extra_args);

  // Everything the server wrote to stdout and stderr so far.
  std::string output() const;

 private:
  explicit ServerProcess(Options options) : options_(std::move(options)) {}
  Status Launch();
  void ReadOutput(int fd);  // reader thread body
  int Reap(bool hang);      // waitpid; returns the decoded status, or -2 while still running

  Options options_;
  std::string data_dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::thread reader_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;          // guarded by mutex_
  uint16_t seen_port_ = 0;      // guarded by mutex_; from the "listening on" line
  bool output_closed_ = false;  // guarded by mutex_
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_SERVER_PROCESS_H_
