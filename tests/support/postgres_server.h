// PostgresServer: a real PostgreSQL server for the tests of the PostgreSQL driver and store.
//
// Three kinds, one class:
// - The test run's server. ctest starts one per run (the fixture `postgres`: tests/CMakeLists.txt,
//   tests/support/postgres_fixture.cc) and gives every test labelled `postgres` its state file in
//   PARLEY_TEST_POSTGRES. Shared() then uses that server: it neither starts nor stops it. Test
//   processes run side by side on it, so CreateDatabase makes the real database name unique to
//   the process (`name` + "_" + pid, shortened with a hash past 63 bytes); callers only ever see
//   the conninfo, and ConnInfo(name) maps the same way. The process drops its databases at exit;
//   one left by a dead process that had the same pid is dropped when the name is made again.
//   That server allows 400 connections (every parallel test process's).
// - The process's own, when PARLEY_TEST_POSTGRES is not set (a test binary run by hand): Shared()
//   starts it on first use and stops it at process exit, as Launch() does.
// - A test's own, from Launch(): for the tests that stop or restart the server (Restart()), which
//   must not do that to the run's server. Stopped when destroyed.
//
// An owned server's cluster lives in a temporary directory, listens on 127.0.0.1 at an ephemeral
// port (and on a Unix socket in that directory), and is stopped with an immediate shutdown
// (the data goes with the directory; waited for: no process is left). If the process dies
// without exiting, the server gets the same SIGQUIT through PR_SET_PDEATHSIG. Restart() stops it
// with a fast shutdown, as an operator's restart would. StartDetached() starts one that outlives
// the process (no death signal), for the fixture; StopDetached() stops it and deletes its
// directory. As root, initdb and postgres run as the unprivileged user `nobody` (PostgreSQL
// refuses to run as root). fsync, synchronous_commit and full_page_writes are off,
// deadlock_timeout is 100 ms: tests, not data.
//
// initdb runs once per machine and PostgreSQL build: the fresh cluster is kept as a template
// ($TMPDIR/parley-pg-template-<uid>-<build>) and each server copies it, which takes a fraction
// of initdb's seconds. The `parley` role (LOGIN CREATEDB, no superuser) owns the databases
// CreateDatabase makes; authentication is `trust`, on loopback and the Unix socket only.
//
// Thread-safety: every member may be called from any thread. Shared(), Launch() and Restart()
// start the server process: call them from the main thread (the death signal follows the
// starting thread).
#ifndef PARLEY_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define PARLEY_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/status.h"

namespace parley::testing_support {

class PostgresServer {
 public:
  // Names the state file of the test run's server (set by ctest on the `postgres` tests).
  static constexpr const char* kStateFileEnv = "PARLEY_TEST_POSTGRES";

  // The test run's server if PARLEY_TEST_POSTGRES is set, else the process's own, started on
  // first call; nullptr (and the reason in *error) if it is unreachable or could not start (no
  // PostgreSQL installed is an error, not a skip: tests must FAIL, not pass).
  static PostgresServer* Shared(std::string* error);
  // A server of the caller's own, to stop or restart.
  static Result<std::unique_ptr<PostgresServer>> Launch();
  // The fixture's two halves. StartDetached starts a server that stays up after this process
  // exits and writes `state_file` ("port=", "pid=", "dir=" lines; written whole); a server
  // already named there (a run that was cut short) is stopped first. StopDetached stops the
  // server of `state_file`, deletes its directory and the file; Ok if there is none.
  static Status StartDetached(const std::string& state_file);
  static Status StopDetached(const std::string& state_file);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A new, empty database `name` (letters, digits, _), owned by the test role, and its libpq
  // conninfo ("host=127.0.0.1 port=N dbname=<real name> user=parley"). kConflict if this
  // process made it already.
  Result<std::string> CreateDatabase(const std::string& name);
  std::string ConnInfo(const std::string& database) const;
  int port() const;
  // Stops and starts the same cluster again on the same port (for connection-loss tests);
  // `while_down`, if given, runs while it is stopped. kFailedPrecondition on the run's server.
  Status Restart(const std::function<void()>& while_down = {});

 private:
  enum class Kind { kOwned, kDetached, kRunShared };
  explicit PostgresServer(Kind kind) : kind_(kind) {}
  static Result<std::unique_ptr<PostgresServer>> Attach(const std::string& state_file);
  Status Setup();
  // The database name `name` stands for on this server (the same on owned ones).
  std::string RealName(const std::string& name) const;
  // Starts postgres on `port_` (0: a free port picked now, retried if taken meanwhile).
  Status Start();
  Status StartOnce(bool* port_taken);
  // Waits for the server to exit. `keep_data`: a fast shutdown, as an operator's restart;
  // otherwise an immediate one (the cluster is about to be deleted).
  void Stop(bool keep_data);
  std::string SuperuserConnInfo() const;

  const Kind kind_;
  std::mutex mu_;    // held while the server starts or stops
  std::string dir_;  // owned servers: made by Setup, removed by the destructor
  std::string bin_dir_;
  std::string data_dir_;
  std::atomic<int> port_ = 0;      // written under mu_
  pid_t pid_ = -1;                 // the postmaster; guarded by mu_
  std::set<std::string> created_;  // real names this process made; guarded by mu_
};

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_SUPPORT_POSTGRES_SERVER_H_
