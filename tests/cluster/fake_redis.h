// FakeRedis: a scripted server on 127.0.0.1 (ephemeral port) that reads RESP commands and
// answers whatever raw bytes the test's responder returns, to play an odd or hostile Redis.
// One thread serves every connection; connections are numbered from 0 in the order accepted.
// Stops (and closes every connection) when destroyed. Thread-safety: construct and destroy on
// one thread; the responder runs on the server's thread.
#ifndef PARLEY_TESTS_CLUSTER_FAKE_REDIS_H_
#define PARLEY_TESTS_CLUSTER_FAKE_REDIS_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace parley::testing_support {

class FakeRedis {
 public:
  // The bytes to send for `command` on connection number `connection` (may be empty).
  using Responder =
      std::function<std::string(int connection, const std::vector<std::string>& command)>;

  explicit FakeRedis(Responder responder) : responder_(std::move(responder)) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0 ||
        pipe2(stop_, O_CLOEXEC) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~FakeRedis() {
    if (thread_.joinable()) {
      (void)!write(stop_[1], "x", 1);
      thread_.join();
    }
    for (int fd : {listener_, stop_[0], stop_[1]}) {
      if (fd >= 0) close(fd);
    }
  }
  FakeRedis(const FakeRedis&) = delete;
  FakeRedis& operator=(const FakeRedis&) = delete;

  int port() const { return port_; }  // 0 if it could not listen
  std::string Url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // RESP encodings for responders.
  static std::string Bulk(const std::string& text) {
    return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
  }
  static std::string Array(const std::vector<std::string>& encoded) {
    std::string out = "*" + std::to_string(encoded.size()) + "\r\n";
    for (const std::string& item : encoded) out += item;
    return out;
  }

 private:
  struct Client {
    int number;
    std::string input;
  };

  void Serve() {
    std::map<int, Client> clients;  // by descriptor
    int accepted = 0;
    for (;;) {
      std::vector<pollfd> fds = {{stop_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
      for (const auto& [fd, client] : clients) fds.push_back({fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) break;
      if (fds[1].revents != 0) {
        const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) clients[fd] = Client{accepted++, ""};
      }
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0 && !Receive(fds[i].fd, clients[fds[i].fd])) {
          close(fds[i].fd);
          clients.erase(fds[i].fd);
        }
      }
    }
    for (const auto& [fd, client] : clients) close(fd);
  }

  // Reads what is there and answers every whole command; false when the client is gone.
  bool Receive(int fd, Client& client) {
    char buffer[65536];
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) return false;
    client.input.append(buffer, static_cast<size_t>(got));
    while (std::optional<std::vector<std::string>> command = TakeCommand(client.input)) {
      const std::string reply = responder_(client.number, *command);
      if (!reply.empty() && send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) return false;
    }
    return true;
  }

  // One whole command (*N then N $len bulk strings) taken off the front of `input`.
  static std::optional<std::vector<std::string>> TakeCommand(std::string& input) {
    size_t at = 0;
    auto line = [&](char kind) -> std::optional<long> {
      const size_t end = input.find("\r\n", at);
      if (end == std::string::npos || input[at] != kind) return std::nullopt;
      const long value = std::strtol(input.c_str() + at + 1, nullptr, 10);
      at = end + 2;
      return value;
    };
    std::optional<long> count = line('*');
    if (!count) return std::nullopt;
    std::vector<std::string> command;
    for (long i = 0; i < *count; ++i) {
      std::optional<long> size = line('$');
      if (!size || input.size() < at + static_cast<size_t>(*size) + 2) return std::nullopt;
      command.push_back(input.substr(at, static_cast<size_t>(*size)));
      at += static_cast<size_t>(*size) + 2;
    }
    input.erase(0, at);
    return command;
  }

  Responder responder_;
  int listener_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::thread thread_;
};

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_CLUSTER_FAKE_REDIS_H_
