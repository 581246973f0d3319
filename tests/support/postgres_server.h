// PostgresServer: a real PostgreSQL server of the test process's own, for the tests of the
// PostgreSQL driver and store.
//
// The cluster lives in a temporary directory, listens on 127.0.0.1 at an ephemeral port (and on
// a Unix socket in that directory), is started on first use and stopped at process exit
// (immediate shutdown, since the data goes with the directory; waited for: no process is left).
// If the process dies without exiting, the server gets the same SIGQUIT through
// PR_SET_PDEATHSIG. Restart() stops it with a fast shutdown, as an operator's restart would.
// As root, initdb and postgres run as the unprivileged user `nobody` (PostgreSQL refuses to run
// as root). fsync, synchronous_commit and full_page_writes are off, deadlock_timeout is 100 ms:
// tests, not data.
//
// initdb runs once per machine and PostgreSQL build: the fresh cluster is kept as a template
// ($TMPDIR/parley-pg-template-<uid>-<build>) and each process copies it, which takes a fraction
// of initdb's seconds. The `parley` role (LOGIN CREATEDB, no superuser) owns the databases
// CreateDatabase makes; authentication is `trust`, on loopback and the Unix socket only.
//
// Thread-safety: every member may be called from any thread. Shared() and Restart() start the
// server process: call them from the main thread (the death signal follows the starting thread).
#ifndef PARLEY_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define PARLEY_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "tests/support/temp_dir.h"

namespace parley::testing_support {

class PostgresServer {
 public:
  // The process's server, started on first call; nullptr (and the reason in *error) if it could
  // not start (no PostgreSQL installed is an error, not a skip: tests must FAIL, not pass).
  static PostgresServer* Shared(std::string* error);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A new, empty database `name` (letters, digits, _), owned by the test role, and its libpq
  // conninfo ("host=127.0.0.1 port=N dbname=name user=parley"). kConflict if it exists.
  Result<std::string> CreateDatabase(const std::string& name);
  std::string ConnInfo(const std::string& database) const;
  int port() const;
  // Stops and starts the same cluster again on the same port (for connection-loss tests);
  // `while_down`, if given, runs while it is stopped.
  Status Restart(const std::function<void()>& while_down = {});

 private:
  PostgresServer() = default;
  Status Setup();
  // Starts postgres on `port_` (0: a free port picked now, retried if taken meanwhile).
  Status Start();
  Status StartOnce(bool* port_taken);
  // Waits for the server to exit. `keep_data`: a fast shutdown, as an operator's restart;
  // otherwise an immediate one (the cluster is about to be deleted).
  void Stop(bool keep_data);
  std::string SuperuserConnInfo() const;

  std::mutex mu_;  // held while the server starts or stops
  TempDir dir_;
  std::string bin_dir_;
  std::string data_dir_;
  std::atomic<int> port_ = 0;  // written under mu_
  pid_t pid_ = -1;             // the postmaster; guarded by mu_
};

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_SUPPORT_POSTGRES_SERVER_H_
