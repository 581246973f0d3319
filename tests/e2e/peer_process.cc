#include "tests/e2e/peer_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::e2e {

Result<std::unique_ptr<PeerProcess>> PeerProcess::Start(std::vector<std::string> argv,
                                                        const std::string& cwd) {
  int out[2];
  int in[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Status(Code::kInternal, "pipe2 failed");
  if (pipe2(in, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return Status(Code::kInternal, "pipe2 failed");
  }
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return Status(Code::kInternal, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {  // child: async-signal-safe calls only, then exec
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out[1], STDOUT_FILENO);
    dup2(in[0], STDIN_FILENO);
    close_range(3, ~0U, 0);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(in[0]);
  std::unique_ptr<PeerProcess> peer(new PeerProcess());
  peer->pid_ = pid;
  peer->stdin_fd_ = in[1];
  peer->reader_ = std::thread([p = peer.get(), fd = out[0]] { p->ReadOutput(fd); });
  return peer;
}

PeerProcess::~PeerProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the peer exits when its stdin ends
  if (pid_ > 0) {
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(10000);
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (reader_.joinable()) reader_.join();
}

void PeerProcess::ReadOutput(int fd) {
  std::string pending;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) parsed = {{"raw", line}};
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(parsed));
      changed_.notify_all();
    }
  }
  close(fd);
}

nlohmann::json PeerProcess::WaitForLine(const std::function<bool(const nlohmann::json&)>& match,
                                        std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  nlohmann::json found;
  changed_.wait_for(lock, timeout, [&] {
    for (const nlohmann::json& line : lines_) {
      if (match(line)) {
        found = line;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::vector<nlohmann::json> PeerProcess::Lines(
    const std::function<bool(const nlohmann::json&)>& match) {
  std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& line : lines_) {
    if (match(line)) out.push_back(line);
  }
  return out;
}

void PeerProcess::WriteLine(const std::string& line) {
  const std::string text = line + "\n";
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

}  // namespace parley::e2e
