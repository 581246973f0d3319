#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/server_spawn.h"
#include "tests/support/temp_dir.h"

namespace parley::testing_support {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);
constexpr auto kPollInterval = std::chrono::milliseconds(20);
// Bumped when the template cluster's initdb options change, so no older template is reused.
constexpr const char* kInitdbOptions = "utf8-c.utf8-wal1";
// The run's server takes every parallel test process's connections (a cluster test runs three
// parleyd nodes, each with its pool).
constexpr int kRunServerConnections = 400;

// Who initdb and postgres run as: ourselves, or `nobody` when we are root.
using ServerUser = RunAs;

Result<ServerUser> FindServerUser() {
  ServerUser user;
  if (geteuid() != 0) return user;
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) return Status(Code::kInternal, "running as root and no user `nobody`");
  user.switch_user = true;
  user.uid = nobody->pw_uid;
  user.gid = nobody->pw_gid;
  return user;
}

Status GiveTo(const ServerUser& user, const std::string& path) {
  if (user.switch_user && chown(path.c_str(), user.uid, user.gid) != 0) {
    return Status(Code::kInternal, "cannot chown " + path);
  }
  return Status::Ok();
}

// The newest PostgreSQL's programs: pg_config's answer, else /usr/lib/postgresql/<newest>/bin.
Result<std::string> FindBinDir() {
  if (FILE* pipe = popen("pg_config --bindir 2>/dev/null", "r")) {
    char line[4096] = {};
    bool got = fgets(line, sizeof line, pipe) != nullptr;
    pclose(pipe);
    std::string dir = got ? std::string(line) : "";
    while (!dir.empty() && std::isspace(static_cast<unsigned char>(dir.back()))) dir.pop_back();
    if (!dir.empty() && access((dir + "/postgres").c_str(), X_OK) == 0) return dir;
  }
  std::error_code error;
  int newest = -1;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    if (access((entry.path() / "bin/postgres").c_str(), X_OK) == 0) {
      newest = std::max(newest, std::stoi(name));
    }
  }
  if (newest < 0) {
    return Status(Code::kInternal,
                  "PostgreSQL is not installed (no pg_config, no /usr/lib/postgresql/*/bin/"
                  "postgres): scripts/install-deps installs it");
  }
  return "/usr/lib/postgresql/" + std::to_string(newest) + "/bin";
}

Status Run(const std::vector<std::string>& argv, const std::string& log_path,
           const ServerUser& user) {
  pid_t pid = Spawn(argv, log_path, SIGKILL, user);
  if (pid < 0) return Status(Code::kInternal, "cannot start " + argv[0]);
  int status = WaitForExit(pid, kStartTimeout);
  if (status == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  if (status != 0) {
    return Status(Code::kInternal, argv[0] + " failed (status " + std::to_string(status) +
                                       "): " + Tail(ReadFile(log_path)));
  }
  return Status::Ok();
}

Status RunSql(const std::string& conninfo, const std::string& sql, std::string* sqlstate) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  Status status;
  if (PQstatus(conn) != CONNECTION_OK) {
    status = Status(Code::kUnavailable, std::string("cannot connect: ") + PQerrorMessage(conn));
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
      const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      if (sqlstate != nullptr && state != nullptr) *sqlstate = state;
      status = Status(Code::kInternal, std::string(PQresultErrorMessage(result)));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return status;
}

// A fresh cluster made by initdb once per PostgreSQL build and user, which every test process
// copies. Made under a lock and renamed into place whole, so concurrent processes wait for it.
Result<std::string> ClusterTemplate(const std::string& bin_dir, const ServerUser& user) {
  struct stat binary {};
  if (stat((bin_dir + "/postgres").c_str(), &binary) != 0) {
    return Status(Code::kInternal, "no postgres in " + bin_dir);
  }
  // The key changes with the PostgreSQL build and with the initdb options below (kInitdbOptions).
  const std::string build = std::to_string(std::hash<std::string>()(
      std::string(kInitdbOptions) + ":" + bin_dir + ":" + std::to_string(binary.st_mtime) + ":" +
      std::to_string(binary.st_size)));
  const std::string base = (fs::temp_directory_path() / "parley-pg-template-").string() +
                           std::to_string(geteuid()) + "-" + build;
  int lock = open((base + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) close(lock);
    return Status(Code::kInternal, "cannot lock " + base + ".lock");
  }
  Status made;
  if (access((base + "/PG_VERSION").c_str(), F_OK) != 0) {
    TempDir work;
    const std::string data = work.path() + "/data";
    made = GiveTo(user, work.path());
    if (made.ok()) {
      made =
          Run({bin_dir + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
               "--locale=C.UTF-8", "--wal-segsize=1", "--no-sync", "--no-instructions"},
              work.path() + "/initdb.log", user);
    }
    if (made.ok()) {
      // Trust, but only on loopback and the Unix socket.
      std::ofstream(data + "/pg_hba.conf", std::ios::trunc)
          << "local all all trust\nhost all all 127.0.0.1/32 trust\n";
      made = GiveTo(user, data + "/pg_hba.conf");
    }
    std::error_code ignored;
    fs::remove_all(base, ignored);
    if (made.ok() && rename(data.c_str(), base.c_str()) != 0) {
      made = Status(Code::kInternal, "cannot move the template cluster to " + base);
    }
  }
  close(lock);
  if (!made.ok()) return made;
  return base;
}

// The "key=value" lines of a state file; empty if it cannot be read.
std::vector<std::pair<std::string, std::string>> ReadState(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t equals = line.find('=');
    if (equals != std::string::npos) {
      entries.emplace_back(line.substr(0, equals), line.substr(equals + 1));
    }
  }
  return entries;
}

std::string StateValue(const std::vector<std::pair<std::string, std::string>>& entries,
                       const std::string& key) {
  for (const auto& [name, value] : entries) {
    if (name == key) return value;
  }
  return "";
}

// A positive decimal number, or 0.
long ParsePositive(const std::string& text) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), ::isdigit)) {
    return 0;
  }
  return std::stol(text);
}

// Whether `pid` is a live process (not yet exited; a zombie waiting for its reaper counts as
// gone: the detached postmaster's parent is no longer us).
bool Alive(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

}  // namespace

PostgresServer* PostgresServer::Shared(std::string* error) {
  static std::mutex mu;
  static std::unique_ptr<PostgresServer> server;  // stopped by its destructor at exit
  static std::string failure;
  std::lock_guard lock(mu);
  if (server == nullptr && failure.empty()) {
    const char* state_file = std::getenv(kStateFileEnv);
    Result<std::unique_ptr<PostgresServer>> got =
        state_file != nullptr && *state_file != '\0' ? Attach(state_file) : Launch();
    if (got.ok()) {
      server = std::move(*got);
    } else {
      failure = "PostgreSQL test server: " + got.status().message();
    }
  }
  if (server == nullptr && error != nullptr) *error = failure;
  return server.get();
}

Result<std::unique_ptr<PostgresServer>> PostgresServer::Launch() {
  std::unique_ptr<PostgresServer> server(new PostgresServer(Kind::kOwned));
  if (Status s = server->Setup(); !s.ok()) return s;
  return server;
}

Result<std::unique_ptr<PostgresServer>> PostgresServer::Attach(const std::string& state_file) {
  const long port = ParsePositive(StateValue(ReadState(state_file), "port"));
  if (port <= 0 || port > 65535) {
    return Status(Code::kUnavailable, std::string(kStateFileEnv) + "=" + state_file +
                                          ": no port there (did the fixture postgres start?)");
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer(Kind::kRunShared));
  server->port_ = static_cast<int>(port);
  if (PQping((server->SuperuserConnInfo() + " connect_timeout=5").c_str()) != PQPING_OK) {
    return Status(Code::kUnavailable,
                  "the run's server (port " + std::to_string(port) + ") does not answer");
  }
  return server;
}

Status PostgresServer::StartDetached(const std::string& state_file) {
  if (Status s = StopDetached(state_file); !s.ok()) return s;
  std::unique_ptr<PostgresServer> server(new PostgresServer(Kind::kDetached));
  if (Status s = server->Setup(); !s.ok()) return s;  // the destructor stops it and cleans up
  const std::string temporary = state_file + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "port=" << server->port() << "\npid=" << server->pid_ << "\ndir=" << server->dir_
        << "\n";
    if (!out.flush()) return Status(Code::kInternal, "cannot write " + temporary);
  }
  if (rename(temporary.c_str(), state_file.c_str()) != 0) {
    return Status(Code::kInternal, "cannot write " + state_file);
  }
  std::lock_guard lock(server->mu_);
  server->pid_ = -1;  // it stays up, and its directory stays: StopDetached's job now
  server->dir_.clear();
  return Status::Ok();
}

Status PostgresServer::StopDetached(const std::string& state_file) {
  if (access(state_file.c_str(), F_OK) != 0) return Status::Ok();
  const auto state = ReadState(state_file);
  const pid_t pid = static_cast<pid_t>(ParsePositive(StateValue(state, "pid")));
  const std::string dir = StateValue(state, "dir");
  // Only the postmaster of that cluster is signalled: the pid may be another process's by now
  // (a postgres whose cluster's lock file names it).
  const std::string lock_file = ReadFile(dir + "/data/postmaster.pid");
  const std::string command = ReadFile("/proc/" + std::to_string(pid) + "/comm");
  if (pid > 0 && !dir.empty() && lock_file.starts_with(std::to_string(pid) + "\n") &&
      command == "postgres\n") {
    for (int signal : {SIGQUIT, SIGKILL}) {
      kill(pid, signal);
      const Clock::time_point deadline = Clock::now() + kStopTimeout;
      while (Alive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
      if (!Alive(pid)) break;
    }
    if (Alive(pid)) return Status(Code::kInternal, "postgres " + std::to_string(pid) + " stays up");
  }
  std::error_code ignored;
  if (dir.starts_with((fs::temp_directory_path() / "parley-test-").string())) {
    fs::remove_all(dir, ignored);
  }
  fs::remove(state_file, ignored);
  return Status::Ok();
}

PostgresServer::~PostgresServer() {
  std::lock_guard lock(mu_);
  if (kind_ == Kind::kRunShared) {
    // The cluster outlives this process: its databases go now (they would go with the cluster
    // anyway; this keeps the disk small during a long run).
    for (const std::string& name : created_) {
      RunSql(SuperuserConnInfo(), "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)", nullptr);
    }
    return;
  }
  Stop(/*keep_data=*/false);
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
}

Status PostgresServer::Setup() {
  // Removed by the destructor, or by StopDetached.
  std::string pattern = (fs::temp_directory_path() / "parley-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Status(Code::kInternal, "no temporary directory");
  dir_ = pattern;
  Result<std::string> bin_dir = FindBinDir();
  if (!bin_dir.ok()) return bin_dir.status();
  bin_dir_ = *bin_dir;
  Result<ServerUser> user = FindServerUser();
  if (!user.ok()) return user.status();
  Result<std::string> cluster = ClusterTemplate(bin_dir_, *user);
  if (!cluster.ok()) return cluster.status();
  if (Status s = GiveTo(*user, dir_); !s.ok()) return s;
  data_dir_ = dir_ + "/data";
  if (Status s = Run({"/bin/cp", "-a", *cluster, data_dir_}, dir_ + "/copy.log", *user); !s.ok()) {
    return s;
  }
  std::lock_guard lock(mu_);
  if (Status s = Start(); !s.ok()) return s;
  return RunSql(SuperuserConnInfo(), "CREATE ROLE parley LOGIN CREATEDB NOSUPERUSER", nullptr);
}

Status PostgresServer::Start() {
  const bool fixed_port = port_ != 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!fixed_port) port_ = PickLoopbackPort();
    bool port_taken = false;
    Status status = StartOnce(&port_taken);
    if (status.ok() || !port_taken || fixed_port) return status;
  }
  return Status(Code::kInternal, "no free port for PostgreSQL after 5 attempts");
}

Status PostgresServer::StartOnce(bool* port_taken) {
  Result<ServerUser> user = FindServerUser();
  if (!user.ok()) return user.status();
  // PARLEY_TEST_POSTGRES_LOG keeps the server's log (errors with their statements) after the
  // temporary directory is gone, for debugging a test.
  const char* kept_log = std::getenv("PARLEY_TEST_POSTGRES_LOG");
  const std::string log_path =
      kept_log != nullptr && *kept_log != '\0' ? kept_log : dir_ + "/postgres.log";
  const size_t log_start = ReadFile(log_path).size();
  const bool detached = kind_ == Kind::kDetached;
  const int connections = detached ? kRunServerConnections : 100;  // 100: PostgreSQL's default
  std::vector<std::string> argv = {bin_dir_ + "/postgres", "-D", data_dir_, "-p",
                                   std::to_string(port_)};
  const std::vector<std::string> settings = {"listen_addresses=127.0.0.1",
                                             "unix_socket_directories=" + dir_,
                                             "fsync=off",
                                             "synchronous_commit=off",
                                             "full_page_writes=off",
                                             "deadlock_timeout=100ms",
                                             "shared_buffers=32MB",
                                             "max_connections=" + std::to_string(connections)};
  for (const std::string& setting : settings) argv.insert(argv.end(), {"-c", setting});
  // The detached server outlives this process: no death signal.
  pid_ = Spawn(argv, log_path, detached ? 0 : SIGQUIT, *user);
  if (pid_ < 0) return Status(Code::kInternal, "cannot start " + bin_dir_ + "/postgres");
  const std::string ping = SuperuserConnInfo() + " connect_timeout=2";
  const Clock::time_point deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    if (PQping(ping.c_str()) == PQPING_OK) return Status::Ok();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      const std::string log = ReadFile(log_path).substr(log_start);
      *port_taken = log.find("could not bind") != std::string::npos ||
                    log.find("could not create any TCP/IP sockets") != std::string::npos;
      return Status(Code::kInternal, "postgres exited at start: " + Tail(log));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  Stop(/*keep_data=*/false);
  return Status(Code::kInternal, "postgres did not accept connections within 60 s: " +
                                     Tail(ReadFile(log_path).substr(log_start)));
}

void PostgresServer::Stop(bool keep_data) {
  if (pid_ <= 0) return;
  // SIGINT: fast shutdown (sessions end, a shutdown checkpoint); SIGQUIT: immediate shutdown
  // (no checkpoint: two seconds less on a loaded machine, and the next start would recover).
  // Either way the postmaster exits after its children.
  const int first = keep_data ? SIGINT : SIGQUIT;
  for (int signal : {first, SIGQUIT, SIGKILL}) {
    kill(pid_, signal);
    if (WaitForExit(pid_, kStopTimeout) != -1) break;
  }
  pid_ = -1;
}

Result<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  const bool plain =
      !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
  if (!plain) {
    return Status(Code::kInvalidArgument, "database names: 1 to 63 letters, digits and _");
  }
  const std::string real = RealName(name);
  const std::string create = "CREATE DATABASE \"" + real + "\"";
  const std::string maintenance =
      "host=127.0.0.1 port=" + std::to_string(port()) + " dbname=postgres user=parley";
  std::lock_guard lock(mu_);
  if (created_.contains(real)) return Status(Code::kConflict, "database " + name + " exists");
  std::string sqlstate;
  Status created = RunSql(maintenance, create, &sqlstate);
  if (sqlstate == "42P04") {
    if (kind_ != Kind::kRunShared) return Status(Code::kConflict, "database " + name + " exists");
    // On the run's server: left by an earlier process that had this pid and died unclean.
    sqlstate.clear();
    created = RunSql(SuperuserConnInfo(), "DROP DATABASE \"" + real + "\" WITH (FORCE)", nullptr);
    if (created.ok()) created = RunSql(maintenance, create, &sqlstate);
  }
  if (!created.ok()) return created;
  created_.insert(real);
  return ConnInfo(name);
}

std::string PostgresServer::RealName(const std::string& name) const {
  if (kind_ != Kind::kRunShared) return name;
  const std::string suffix = "_" + std::to_string(getpid());
  constexpr size_t kMaxName = 63;  // PostgreSQL's NAMEDATALEN - 1
  if (name.size() + suffix.size() <= kMaxName) return name + suffix;
  // Too long: a prefix and a hash of the whole name keep it apart from its neighbours.
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>()(name));
  const std::string tail = "_" + std::string(hash, 8) + suffix;
  return name.substr(0, kMaxName - tail.size()) + tail;
}

std::string PostgresServer::ConnInfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port()) + " dbname=" + RealName(database) +
         " user=parley";
}

std::string PostgresServer::SuperuserConnInfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port()) + " dbname=postgres user=postgres";
}

int PostgresServer::port() const { return port_; }

Status PostgresServer::Restart(const std::function<void()>& while_down) {
  if (kind_ == Kind::kRunShared) {
    return Status(Code::kInternal, "the test run's PostgreSQL server is not restarted: Launch()");
  }
  std::lock_guard lock(mu_);
  Stop(/*keep_data=*/true);
  if (while_down) while_down();
  return Start();
}

}  // namespace parley::testing_support
