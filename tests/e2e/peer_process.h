// PeerProcess: a helper program the e2e tests talk to over its standard streams, such as the
// node push service of tests/peers (push_service.mjs). It prints one JSON object per line on
// stdout and reads lines on stdin.
//
// Ownership: the object owns the child. The destructor closes its stdin (the peer's signal to
// exit), waits a moment, then SIGKILLs and reaps it, so no test leaves a peer behind; the child
// also gets SIGKILL if the starting thread dies (PR_SET_PDEATHSIG).
// Thread-safety: WaitForLine and lines may be called while the reader thread collects output;
// everything else from the test's thread.
#ifndef PARLEY_TESTS_E2E_PEER_PROCESS_H_
#define PARLEY_TESTS_E2E_PEER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

namespace parley::e2e {

class PeerProcess {
 public:
  // Runs argv[0] (a path) with `argv` in `cwd`; stderr goes to the test's stderr.
  static Result<std::unique_ptr<PeerProcess>> Start(std::vector<std::string> argv,
                                                    const std::string& cwd);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // The first JSON line for which `match` holds, waiting up to `timeout`; null if none came.
  nlohmann::json WaitForLine(const std::function<bool(const nlohmann::json&)>& match,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Every JSON line so far for which `match` holds.
  std::vector<nlohmann::json> Lines(const std::function<bool(const nlohmann::json&)>& match);
  // Writes one line (a newline is added) to the peer's stdin.
  void WriteLine(const std::string& line);

 private:
  PeerProcess() = default;
  void ReadOutput(int fd);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<nlohmann::json> lines_;  // guarded by mutex_
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_PEER_PROCESS_H_
