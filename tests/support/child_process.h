// ChildProcess: a helper program (a node test peer, an SMTP server) run by a test: started with
// fork/exec, its stdout and stderr read line by line on a thread, killed and reaped when the
// object goes (and by the kernel if the test dies: PR_SET_PDEATHSIG), so no test leaves one.
// WaitForLine() waits on a condition, never a fixed sleep. Thread-safety: call from one thread.
#ifndef PARLEY_TESTS_SUPPORT_CHILD_PROCESS_H_
#define PARLEY_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace parley::testing_support {

class ChildProcess {
 public:
  // argv[0] is looked up in PATH. Returns false when the process could not be started.
  bool Start(std::vector<std::string> argv) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      std::vector<char*> args;
      for (std::string& arg : argv) args.push_back(arg.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] { Read(fd); });
    return true;
  }

  ~ChildProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
  }

  // The first line (in order of output) after the `skip` first that satisfies `match`.
  std::optional<std::string> WaitForLine(const std::function<bool(const std::string&)>& match,
                                         std::chrono::milliseconds timeout, size_t skip = 0) {
    std::unique_lock lock(mutex_);
    std::optional<std::string> found;
    changed_.wait_for(lock, timeout, [&] {
      for (size_t i = skip; i < lines_.size(); ++i) {
        if (match(lines_[i])) {
          found = lines_[i];
          return true;
        }
      }
      return closed_;
    });
    return found;
  }

  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  void Read(int fd) {
    std::string partial;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = read(fd, buffer, sizeof buffer)) > 0) {
      partial.append(buffer, static_cast<size_t>(got));
      std::lock_guard lock(mutex_);
      for (size_t end; (end = partial.find('\n')) != std::string::npos;) {
        lines_.push_back(partial.substr(0, end));
        partial.erase(0, end + 1);
      }
      changed_.notify_all();
    }
    close(fd);
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;  // guarded by mutex_
  bool closed_ = false;             // guarded by mutex_
};

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_SUPPORT_CHILD_PROCESS_H_
