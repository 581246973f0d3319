#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/server_spawn.h"

namespace parley::testing_support {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(10);

// redis-server's path, looked up in PATH.
Result<std::string> FindBinary() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr && *path != '\0' ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/redis-server";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Status(Code::kInternal,
                "redis-server is not installed (not in PATH): scripts/install-deps installs it");
}

// Whether a server on `port` answers an inline PING (+PONG, or -NOAUTH with a password).
bool Answers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  char first = 0;
  const bool answered = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                        send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6 && [&] {
                          pollfd readable{fd, POLLIN, 0};
                          return poll(&readable, 1, 1000) == 1 && recv(fd, &first, 1, 0) == 1;
                        }();
  close(fd);
  return answered && (first == '+' || first == '-');
}

}  // namespace

RedisServer* RedisServer::Shared(std::string* error) {
  static std::mutex mu;
  static std::unique_ptr<RedisServer> server;  // stopped by its destructor at exit
  static std::string failure;
  std::lock_guard lock(mu);
  if (server == nullptr && failure.empty()) {
    Result<std::unique_ptr<RedisServer>> started = Launch();
    if (started.ok()) {
      server = std::move(*started);
    } else {
      failure = "Redis test server: " + started.status().message();
    }
  }
  if (server == nullptr && error != nullptr) *error = failure;
  return server.get();
}

Result<std::unique_ptr<RedisServer>> RedisServer::Launch(RedisServerOptions options) {
  std::unique_ptr<RedisServer> server(new RedisServer(std::move(options)));
  if (server->dir_.path().empty()) return Status(Code::kInternal, "no temporary directory");
  Result<std::string> binary = FindBinary();
  if (!binary.ok()) return binary.status();
  server->binary_ = *binary;
  std::lock_guard lock(server->mu_);
  if (Status s = server->StartLocked(); !s.ok()) return s;
  return server;
}

RedisServer::~RedisServer() {
  std::lock_guard lock(mu_);
  StopLocked();
}

int RedisServer::port() const {
  std::lock_guard lock(mu_);
  return port_;
}

std::string RedisServer::Url() const {
  const std::string credentials = options_.password.empty() ? "" : ":" + options_.password + "@";
  return "redis://" + credentials + "127.0.0.1:" + std::to_string(port());
}

void RedisServer::Stop() {
  std::lock_guard lock(mu_);
  StopLocked();
}

Status RedisServer::Start() {
  std::lock_guard lock(mu_);
  if (pid_ > 0) return Status::Ok();
  return StartLocked();
}

Status RedisServer::Restart() {
  std::lock_guard lock(mu_);
  StopLocked();
  return StartLocked();
}

void RedisServer::Pause() {
  std::lock_guard lock(mu_);
  if (pid_ > 0 && kill(pid_, SIGSTOP) == 0) paused_ = true;
}

void RedisServer::Resume() {
  std::lock_guard lock(mu_);
  if (pid_ > 0 && paused_) kill(pid_, SIGCONT);
  paused_ = false;
}

Status RedisServer::StartLocked() {
  const bool fixed_port = port_ != 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!fixed_port) port_ = PickLoopbackPort();
    bool port_taken = false;
    Status status = StartOnce(&port_taken);
    if (status.ok() || !port_taken || fixed_port) return status;
  }
  return Status(Code::kInternal, "no free port for Redis after 5 attempts");
}

Status RedisServer::StartOnce(bool* port_taken) {
  const std::string log_path = dir_.path() + "/redis.log";
  const size_t log_start = ReadFile(log_path).size();
  std::vector<std::string> argv = {binary_,  "--port",       std::to_string(port_),
                                   "--bind", "127.0.0.1",    "--save",
                                   "",       "--appendonly", "no",
                                   "--dir",  dir_.path(),    "--daemonize",
                                   "no",     "--logfile",    ""};
  if (!options_.password.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(options_.password);
  }
  pid_ = Spawn(argv, log_path, SIGKILL);  // SIGKILL: it also ends a paused server
  if (pid_ < 0) return Status(Code::kInternal, "cannot start " + binary_);
  const Clock::time_point deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    if (Answers(port_)) return Status::Ok();
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      const std::string log = ReadFile(log_path).substr(log_start);
      *port_taken = log.find("Address already in use") != std::string::npos;
      return Status(Code::kInternal, "redis-server exited at start: " + Tail(log));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  StopLocked();
  return Status(Code::kInternal, "redis-server did not answer within 20 s: " +
                                     Tail(ReadFile(log_path).substr(log_start)));
}

void RedisServer::StopLocked() {
  if (pid_ <= 0) return;
  if (paused_) kill(pid_, SIGCONT);
  paused_ = false;
  for (int signal : {SIGTERM, SIGKILL}) {
    kill(pid_, signal);
    if (WaitForExit(pid_, kStopTimeout) != -1) break;
  }
  pid_ = -1;
}

}  // namespace parley::testing_support
