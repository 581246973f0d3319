// RedisConnection: one TCP connection to a Redis server (RESP2), on hiredis's synchronous
// context driven in non-blocking mode: every wait is a poll() on the socket and on the caller's
// cancel descriptor, so another thread can end any wait at once (RedisBus::Stop), even while
// the server does not answer.
//
// - Connect opens the socket, then sends AUTH (when the address has a password), SELECT (db != 0)
//   and PING in one round trip, so a connection it returns has been answered by a Redis server.
//   Only the name lookup (getaddrinfo) cannot be cancelled. Errors: kUnavailable (no connection,
//   no answer in time, connection lost, cancelled, an odd reply), kUnauthenticated (AUTH
//   refused, or the server wants a password and none was given), kForbidden (an ACL refusal),
//   kInvalidArgument (SELECT of a database the server does not have). No message contains the
//   password.
// - Commands are binary-safe argument lists. Append queues one in the output buffer; Flush sends
//   all queued; Read takes the next reply: a pipeline is N Appends, one Flush, N Reads.
// - Limits against an odd or hostile server: a reply over `max_reply_bytes` or an array of more
//   than `max_array_elements` (at any depth) is a protocol error (kUnavailable). After any error
//   but a Poll that timed out the connection is broken: the caller drops it and connects again.
// - SIGPIPE: blocked around each write, and one raised by it taken back, so a server that
//   closed never kills a process that does not ignore SIGPIPE.
//
// Thread-safety: one thread at a time. The cancel descriptor belongs to the caller and must
// outlive the connection.
#ifndef PARLEY_CLUSTER_REDIS_CONNECTION_H_
#define PARLEY_CLUSTER_REDIS_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "cluster/redis_address.h"

struct redisContext;

namespace parley::cluster {

struct RedisReaderHooks;  // internal to redis_connection.cc

struct RedisConnectionOptions {
  // Connect and its AUTH/SELECT/PING all within this; later, the longest wait for the server
  // to take bytes or to answer before the connection counts as lost.
  std::chrono::milliseconds timeout{2000};
  // When readable, every wait ends with kUnavailable ("cancelled"); -1: none.
  int cancel_fd = -1;
  size_t max_reply_bytes = 64 << 20;
  int max_array_elements = 1024;
};

// A reply as a plain value. `text` is a bulk string's bytes, a status line or an error line.
struct RedisReply {
  enum class Type { kString, kStatus, kError, kInteger, kNil, kArray };
  Type type = Type::kNil;
  std::string text;
  int64_t integer = 0;
  std::vector<RedisReply> elements;
};

class RedisConnection {
 public:
  static Result<std::unique_ptr<RedisConnection>> Connect(const RedisAddress& address,
                                                          const RedisConnectionOptions& options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues a command in the output buffer (nothing is sent yet).
  void Append(std::span<const std::string_view> args);
  void Append(std::initializer_list<std::string_view> args) {
    Append(std::span<const std::string_view>(args.begin(), args.size()));
  }
  // Sends everything queued.
  Status Flush();
  // The next reply, waiting up to the options' timeout for it.
  Result<RedisReply> Read();
  // The next reply if one comes within `wait`; nullopt (not an error) otherwise.
  Result<std::optional<RedisReply>> Poll(std::chrono::milliseconds wait);
  // Append, Flush, Read. An error reply is a reply, not a failed Result.
  Result<RedisReply> Command(std::span<const std::string_view> args);
  Result<RedisReply> Command(std::initializer_list<std::string_view> args) {
    return Command(std::span<const std::string_view>(args.begin(), args.size()));
  }

 private:
  using Clock = std::chrono::steady_clock;
  enum class WaitResult { kReady, kTimedOut, kCancelled, kFailed };

  RedisConnection(redisContext* context, const RedisConnectionOptions& options);
  Status WaitConnected(Clock::time_point deadline);
  Status Handshake(const RedisAddress& address, Clock::time_point deadline);
  // The next reply is the status line `expected`; an error reply is `command`'s refusal with
  // the code `refused` (kUnauthenticated for NOAUTH, kForbidden for NOPERM).
  Status ExpectStatus(std::string_view command, std::string_view expected, Code refused,
                      const std::string& password, Clock::time_point deadline);
  Status FlushUntil(Clock::time_point deadline);
  // nullopt when no reply came before the deadline.
  Result<std::optional<RedisReply>> ReadUntil(Clock::time_point deadline);
  // Until the socket is ready for `events` (POLLIN, POLLOUT), the deadline passes or the cancel
  // descriptor is readable.
  WaitResult Wait(short events, Clock::time_point deadline);
  // Marks the connection broken for `what` and returns that failure.
  Status Break(std::string_view what);

  redisContext* context_;
  RedisConnectionOptions options_;
  std::unique_ptr<RedisReaderHooks> hooks_;
  Status broken_;  // the first failure; every later call returns it
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_CONNECTION_H_
