// Raw wire helpers for end-to-end tests that must send what the client library never would:
// malformed HTTP, binary or oversized WebSocket frames, floods written without reading, and a
// WebSocket peer that stops reading its socket.
//
//   RawSocket: a blocking TCP connection to 127.0.0.1 with a deadline on every call.
//   ReadHttpResponse(): one HTTP/1.1 response (status line, headers, Content-Length body).
//   RawWebSocket: the client side of RFC 6455 by hand: handshake, masked frames of any opcode,
//   frame reading with automatic pong, close code.
//
// Header-only; each test binary compiles its own copy. Thread-safety: none (one thread each).
#ifndef PARLEY_TESTS_E2E_RAW_WIRE_H_
#define PARLEY_TESTS_E2E_RAW_WIRE_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace parley::e2e {

inline constexpr std::chrono::milliseconds kRawTimeout{5000};

// How a read on a RawSocket ended.
enum class ReadEnd { kData, kEof, kReset, kTimeout };

class RawSocket {
 public:
  RawSocket() = default;
  ~RawSocket() { Close(); }
  RawSocket(RawSocket&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}
  RawSocket& operator=(RawSocket&& other) noexcept {
    if (this != &other) {
      Close();
      fd_ = std::exchange(other.fd_, -1);
      buffer_ = std::move(other.buffer_);
    }
    return *this;
  }

  // Connects to 127.0.0.1:port. A nonzero receive_buffer sets SO_RCVBUF before connecting
  // (which also stops the kernel from growing it).
  static Result<RawSocket> Connect(uint16_t port, int receive_buffer = 0) {
    RawSocket raw;
    raw.fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (raw.fd_ < 0) return Status(Code::kInternal, "socket() failed");
    if (receive_buffer > 0) {
      ::setsockopt(raw.fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    const int one = 1;
    ::setsockopt(raw.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(raw.fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      return Status(Code::kUnavailable, std::string("connect: ") + std::strerror(errno));
    }
    return raw;
  }

  bool is_open() const { return fd_ >= 0; }

  // Writes everything; false when the peer is gone or the deadline passed.
  bool WriteAll(std::string_view data, std::chrono::milliseconds timeout = kRawTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!data.empty()) {
      if (!WaitFor(POLLOUT, deadline)) return false;
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Appends what arrives to buffer() until `enough(buffer())` holds, the peer closes or the
  // deadline passes.
  template <typename Enough>
  ReadEnd ReadUntil(const Enough& enough, std::chrono::milliseconds timeout = kRawTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!enough(buffer_)) {
      ReadEnd end = ReadOnce(deadline);
      if (end != ReadEnd::kData) return end;
    }
    return ReadEnd::kData;
  }

  // Reads and discards everything until the peer closes (kEof or kReset) or the deadline.
  ReadEnd DrainToEnd(std::chrono::milliseconds timeout = kRawTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      buffer_.clear();
      ReadEnd end = ReadOnce(deadline);
      if (end != ReadEnd::kData) return end;
    }
  }

  std::string& buffer() { return buffer_; }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  bool WaitFor(short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd entry{fd_, events, 0};
      const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
    }
  }

  ReadEnd ReadOnce(std::chrono::steady_clock::time_point deadline) {
    if (!WaitFor(POLLIN, deadline)) return ReadEnd::kTimeout;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return ReadEnd::kData;
    }
    if (n == 0) return ReadEnd::kEof;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return ReadEnd::kData;
    return ReadEnd::kReset;
  }

  int fd_ = -1;
  std::string buffer_;  // received, not yet consumed
};

struct RawHttpResponse {
  int status = 0;
  std::string head;      // status line and headers
  std::string raw_body;  // Content-Length bytes
  nlohmann::json body;   // parsed raw_body; discarded when not JSON
};

// Reads one response from `socket` (which must use Content-Length, as parleyd does).
inline Result<RawHttpResponse> ReadHttpResponse(RawSocket& socket,
                                                std::chrono::milliseconds timeout = kRawTimeout) {
  std::string& buffer = socket.buffer();
  socket.ReadUntil([](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; },
                   timeout);
  const size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return Status(Code::kUnavailable, "no HTTP response head; got: " + buffer.substr(0, 200));
  }
  RawHttpResponse response;
  response.head = buffer.substr(0, head_end);
  if (response.head.rfind("HTTP/1.", 0) != 0 || response.head.size() < 12) {
    return Status(Code::kMalformed, "bad status line: " + response.head);
  }
  response.status = std::atoi(response.head.c_str() + 9);
  size_t length = 0;
  std::string lower = response.head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::strtoull(lower.c_str() + at + 17, nullptr, 10);
  }
  const size_t total = head_end + 4 + length;
  socket.ReadUntil([total](const std::string& b) { return b.size() >= total; }, timeout);
  if (buffer.size() < total) return Status(Code::kUnavailable, "HTTP body cut short");
  response.raw_body = buffer.substr(head_end + 4, length);
  buffer.erase(0, total);
  response.body = nlohmann::json::parse(response.raw_body, nullptr, /*allow_exceptions=*/false);
  return response;
}

// Connects, writes `request` verbatim and reads one response.
inline Result<RawHttpResponse> RawHttpExchange(uint16_t port, std::string_view request,
                                               std::chrono::milliseconds timeout = kRawTimeout) {
  Result<RawSocket> socket = RawSocket::Connect(port);
  if (!socket.ok()) return socket.status();
  if (!socket->WriteAll(request, timeout)) return Status(Code::kUnavailable, "write failed");
  return ReadHttpResponse(*socket, timeout);
}

// RFC 6455 opcodes.
enum Opcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

struct RawFrame {
  uint8_t opcode = 0;
  std::string payload;
  bool fin = true;  // the last fragment of its message
};

// One client frame, masked (with a fixed key: the tests need no secrecy).
inline std::string EncodeClientFrame(uint8_t opcode, std::string_view payload, bool fin = true) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | opcode));
  const uint64_t size = payload.size();
  if (size < 126) {
    out.push_back(static_cast<char>(0x80 | size));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
  }
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  for (unsigned char byte : mask) out.push_back(static_cast<char>(byte));
  for (size_t i = 0; i < payload.size(); ++i) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
  }
  return out;
}

class RawWebSocket {
 public:
  // Opens a TCP connection and sends the upgrade request for `path` (with `extra_headers`,
  // each line ending in CRLF). Returns the HTTP status of the answer (101 when the WebSocket is
  // open); `response` receives the whole answer.
  static Result<RawWebSocket> Open(uint16_t port, std::string_view path = "/ws",
                                   int receive_buffer = 0, RawHttpResponse* response = nullptr,
                                   std::string_view extra_headers = {}) {
    Result<RawSocket> socket = RawSocket::Connect(port, receive_buffer);
    if (!socket.ok()) return socket.status();
    RawWebSocket ws;
    ws.socket_ = std::move(socket).value();
    std::string request = "GET " + std::string(path) + " HTTP/1.1\r\n";
    request += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
    request +=
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    request += std::string(extra_headers) + "\r\n";
    if (!ws.socket_.WriteAll(request)) return Status(Code::kUnavailable, "write failed");
    std::string& buffer = ws.socket_.buffer();
    ws.socket_.ReadUntil(
        [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; });
    const size_t head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string::npos) return Status(Code::kUnavailable, "no upgrade answer");
    ws.status_ = std::atoi(buffer.c_str() + 9);
    if (ws.status_ == 101) {
      ws.head_ = buffer.substr(0, head_end);
      buffer.erase(0, head_end + 4);
    } else {
      Result<RawHttpResponse> answer = ReadHttpResponse(ws.socket_);
      if (answer.ok() && response != nullptr) *response = std::move(answer).value();
    }
    return ws;
  }

  int status() const { return status_; }
  const std::string& head() const { return head_; }  // of a 101 answer: status line, headers
  RawSocket& socket() { return socket_; }

  bool SendFrame(uint8_t opcode, std::string_view payload) {
    return socket_.WriteAll(EncodeClientFrame(opcode, payload));
  }
  bool SendText(std::string_view text) { return SendFrame(kText, text); }

  // The next whole message or close frame; answers pings. Fails with kUnavailable on EOF, reset or
  // timeout (`end()` says which).
  Result<RawFrame> ReadFrame(std::chrono::milliseconds timeout = kRawTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      std::optional<RawFrame> frame;
      end_ = socket_.ReadUntil(
          [&frame](std::string& b) {
            frame = TakeFrame(b);
            return frame.has_value();
          },
          std::max(left, std::chrono::milliseconds(1)));
      if (!frame) return Status(Code::kUnavailable, "no frame");
      // Reassemble fragmented messages (control frames may arrive between the fragments).
      if (frame->opcode == kContinuation || (frame->opcode < kClose && !frame->fin)) {
        if (frame->opcode != kContinuation) partial_ = RawFrame{frame->opcode, {}, false};
        partial_.payload += frame->payload;
        if (!frame->fin) continue;
        frame = std::move(partial_);
        frame->fin = true;
        partial_ = RawFrame{};
      }
      if (frame->opcode == kPing) {
        socket_.WriteAll(EncodeClientFrame(kPong, frame->payload));
        continue;
      }
      if (frame->opcode == kPong) continue;
      return std::move(*frame);
    }
  }

  // The next text frame parsed as JSON (close frames and binary frames fail it).
  Result<nlohmann::json> ReadJson(std::chrono::milliseconds timeout = kRawTimeout) {
    Result<RawFrame> frame = ReadFrame(timeout);
    if (!frame.ok()) return frame.status();
    if (frame->opcode == kClose) {
      close_code_ = CloseCodeOf(frame->payload);
      return Status(Code::kUnavailable, "closed with " + std::to_string(close_code_));
    }
    nlohmann::json value = nlohmann::json::parse(frame->payload, nullptr, false);
    if (frame->opcode != kText || value.is_discarded()) {
      return Status(Code::kMalformed, "not a JSON text frame: " + frame->payload.substr(0, 200));
    }
    return value;
  }

  // Reads frames until a close frame (returns its code, answering it), or the connection ends
  // without one (1006), or the deadline (0). Data frames before it go to `seen` when given.
  int WaitForClose(std::chrono::milliseconds timeout = kRawTimeout,
                   std::vector<nlohmann::json>* seen = nullptr) {
    if (close_code_ != 0) return close_code_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return 0;
      Result<RawFrame> frame = ReadFrame(left);
      if (!frame.ok()) return end_ == ReadEnd::kTimeout ? 0 : 1006;
      if (frame->opcode == kClose) {
        close_code_ = CloseCodeOf(frame->payload);
        socket_.WriteAll(EncodeClientFrame(kClose, frame->payload.substr(0, 2)));
        return close_code_;
      }
      if (seen != nullptr && frame->opcode == kText) {
        seen->push_back(nlohmann::json::parse(frame->payload, nullptr, false));
      }
    }
  }

  ReadEnd end() const { return end_; }

 private:
  static int CloseCodeOf(const std::string& payload) {
    if (payload.size() < 2) return 1005;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
  }

  // Removes one complete server (unmasked) frame from the front of `buffer`, if there is one.
  static std::optional<RawFrame> TakeFrame(std::string& buffer) {
    if (buffer.size() < 2) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(buffer.data());
    uint64_t size = bytes[1] & 0x7F;
    size_t offset = 2;
    if (size == 126) {
      if (buffer.size() < 4) return std::nullopt;
      size = (uint64_t{bytes[2]} << 8) | bytes[3];
      offset = 4;
    } else if (size == 127) {
      if (buffer.size() < 10) return std::nullopt;
      size = 0;
      for (int i = 0; i < 8; ++i) size = (size << 8) | bytes[2 + i];
      offset = 10;
    }
    if (buffer.size() < offset + size) return std::nullopt;
    RawFrame frame;
    frame.opcode = bytes[0] & 0x0F;
    frame.fin = (bytes[0] & 0x80) != 0;
    frame.payload = buffer.substr(offset, size);
    buffer.erase(0, offset + size);
    return frame;
  }

  RawSocket socket_;
  int status_ = 0;
  std::string head_;
  int close_code_ = 0;
  ReadEnd end_ = ReadEnd::kData;
  RawFrame partial_;  // a fragmented message being reassembled
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_RAW_WIRE_H_
