#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#ifndef PARLEY_PARLEYD_PATH
#define PARLEY_PARLEYD_PATH "parleyd"
#endif

namespace parley::e2e {
namespace {

constexpr std::string_view kListeningPrefix = "parleyd listening on ";

// The port of a "parleyd listening on HOST:PORT" line, 0 if `line` is not one.
uint16_t PortFromLine(std::string_view line) {
  size_t at = line.find(kListeningPrefix);
  if (at == std::string_view::npos) return 0;
  size_t colon = line.rfind(':');
  if (colon == std::string_view::npos || colon < at) return 0;
  int port = std::atoi(std::string(line.substr(colon + 1)).c_str());
  return port > 0 && port < 65536 ? static_cast<uint16_t>(port) : 0;
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(Options options) {
  if (options.binary.empty()) options.binary = PARLEY_PARLEYD_PATH;
  std::unique_ptr<ServerProcess> server(new ServerProcess(std::move(options)));
  char dir[] = "/tmp/parley-e2e-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    return Status(Code::kInternal, std::string("mkdtemp: ") + std::strerror(errno));
  }
  server->data_dir_ = dir;
  if (Status launched = server->Launch(); !launched.ok()) return launched;
  return server;
}

client::Endpoint ServerProcess::endpoint() const {
  client::Endpoint endpoint{"127.0.0.1", port_};
  if (!options_.tls_ca_file.empty()) {
    endpoint.tls = true;
    // A CA file that does not load leaves the system's CAs, which refuse the test's server.
    (void)endpoint.UseCaFile(options_.tls_ca_file);
  }
  return endpoint;
}

ServerProcess::~ServerProcess() {
  Kill();
  if (reader_.joinable()) reader_.join();
  if (!data_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

Status ServerProcess::Launch() {
  std::vector<std::string> args = {
      options_.binary, "--listen", "127.0.0.1:0", "--data-dir", data_dir_, "--argon2-ops", "1",
      "--argon2-memory-kib", "8",
      // Tests register many users from 127.0.0.1; tests of the limit pass their own value.
      "--registrations-per-address", "100000",
      // Messaging tests write between strangers; tests of the friendship rule pass "true".
      "--direct-messages-require-friendship", "false",
      // Group tests put strangers into groups; tests of the consent rule pass "true".
      "--group-adds-require-friendship", "false"};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Status(Code::kInternal, std::string("pipe2: ") + std::strerror(errno));
  }
  {
    std::lock_guard lock(mutex_);
    seen_port_ = 0;
    output_closed_ = false;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return Status(Code::kInternal, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {  // child: async-signal-safe calls only, then exec
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close_range(3, ~0U, 0);  // no test sockets leak into the server
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  pid_ = pid;
  if (reader_.joinable()) reader_.join();
  reader_ = std::thread([this, fd = pipe_fds[0]] { ReadOutput(fd); });

  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, options_.start_timeout,
                    [this] { return seen_port_ != 0 || output_closed_; });
  if (seen_port_ != 0) {
    port_ = seen_port_;
    return Status::Ok();
  }
  std::string output = output_;
  lock.unlock();
  Kill();
  return Status(Code::kUnavailable,
                "parleyd (" + options_.binary + ") did not report listening; output:\n" + output);
}

void ServerProcess::ReadOutput(int fd) {
  const bool echo = std::getenv("PARLEY_E2E_VERBOSE") != nullptr;
  std::string line;
  char chunk[4096];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (echo) fwrite(chunk, 1, static_cast<size_t>(n), stderr);
    std::lock_guard lock(mutex_);
    output_.append(chunk, static_cast<size_t>(n));
    for (ssize_t i = 0; i < n; ++i) {
      if (chunk[i] != '\n') {
        line += chunk[i];
        continue;
      }
      if (seen_port_ == 0) seen_port_ = PortFromLine(line);
      line.clear();
    }
    changed_.notify_all();
  }
  close(fd);
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  changed_.notify_all();
}

int ServerProcess::Reap(bool hang) {
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid_, &status, hang ? 0 : WNOHANG);
    if (done < 0 && errno == EINTR) continue;
    if (done == 0) return -2;
    pid_ = -1;
    return done < 0 ? -1 : DecodeWaitStatus(status);
  }
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  Reap(/*hang=*/true);
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

bool ServerProcess::WaitForOutput(std::string_view text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return output_.find(text) != std::string::npos || output_closed_;
  }) && output_.find(text) != std::string::npos;
}

int ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  return WaitForExit(timeout);
}

int ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int result = Reap(/*hang=*/false);
  while (result == -2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    result = Reap(/*hang=*/false);
  }
  if (result == -2) {
    kill(pid_, SIGKILL);
    result = Reap(/*hang=*/true);
  }
  if (reader_.joinable()) reader_.join();
  return result;
}

Status ServerProcess::Restart() {
  Stop();
  return Launch();
}

Status ServerProcess::Restart(std::vector<std::string> extra_args) {
  options_.extra_args = std::move(extra_args);
  return Restart();
}

std::string ServerProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

double ServerProcess::ResidentMiB() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

}  // namespace parley::e2e
