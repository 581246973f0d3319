// HostileHttp: a loopback TCP endpoint that misbehaves the way a broken or malicious S3
// endpoint might: it reads a request's head, then answers `reply` (raw bytes, any garbage) and
// closes, or with `stall` keeps the connection open without a byte more until destroyed. With
// `first`, the first connection gets that answer instead (e.g. a good listing, so the store
// opens) and the misbehaviour starts with the second. Serves connections one at a time on its
// own thread; the destructor stops and joins it.
#ifndef PARLEY_TESTS_MEDIA_HOSTILE_HTTP_H_
#define PARLEY_TESTS_MEDIA_HOSTILE_HTTP_H_

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace parley::media::testing {

class HostileHttp {
 public:
  HostileHttp(std::string reply, bool stall, std::string first = "")
      : reply_(std::move(reply)), stall_(stall), first_(std::move(first)) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listener_, 8);
    socklen_t size = sizeof(address);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~HostileHttp() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  HostileHttp(const HostileHttp&) = delete;
  HostileHttp& operator=(const HostileHttp&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  // Waits for `fd` to be readable, giving up when stopped.
  bool Readable(int fd) {
    pollfd waiting{fd, POLLIN, 0};
    while (!stop_) {
      if (poll(&waiting, 1, 50) > 0) return true;
    }
    return false;
  }

  void Serve() {
    while (Readable(listener_)) {
      const int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos && Readable(connection)) {
        const ssize_t n = read(connection, buffer, sizeof(buffer));
        if (n <= 0) break;
        head.append(buffer, static_cast<size_t>(n));
      }
      if (!first_.empty()) {
        (void)!write(connection, first_.data(), first_.size());
        first_.clear();
        close(connection);
        continue;
      }
      if (!stop_ && !reply_.empty()) (void)!write(connection, reply_.data(), reply_.size());
      if (stall_) {
        while (Readable(connection) && read(connection, buffer, sizeof(buffer)) > 0) {
        }
      }
      close(connection);
    }
  }

  std::string reply_;
  bool stall_;
  std::string first_;  // used by the serving thread only
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace parley::media::testing

#endif  // PARLEY_TESTS_MEDIA_HOSTILE_HTTP_H_
