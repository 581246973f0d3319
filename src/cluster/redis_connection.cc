#include "cluster/redis_connection.h"

#include <errno.h>
#include <hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cstring>

namespace parley::cluster {

// hiredis builds replies through a table of functions; this copy refuses arrays over the limit
// before hiredis allocates their element vectors (an odd server could announce 2^31 of them).
struct RedisReaderHooks {
  redisReplyObjectFunctions functions;
  const redisReplyObjectFunctions* base;
  int max_array_elements;
  bool refused_array = false;  // the reader's "out of memory" was this refusal
};

namespace {

void* CreateLimitedArray(const redisReadTask* task, int elements) {
  auto* hooks = static_cast<RedisReaderHooks*>(task->privdata);
  if (elements < 0 || elements > hooks->max_array_elements) {
    hooks->refused_array = true;
    return nullptr;  // the reader fails with "out of memory"
  }
  return hooks->base->createArray(task, elements);
}

// hiredis writes with write(2): a server that closed the connection would raise SIGPIPE, which
// ends a process that does not ignore it. Blocked for the write; one raised meanwhile is taken.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedSigpipeBlock() {
    if (!was_pending_) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

RedisReply Convert(const redisReply& reply) {
  RedisReply value;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      value.type = RedisReply::Type::kString;
      break;
    case REDIS_REPLY_STATUS:
      value.type = RedisReply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      value.type = RedisReply::Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      value.type = RedisReply::Type::kInteger;
      value.integer = reply.integer;
      return value;
    case REDIS_REPLY_ARRAY:
      value.type = RedisReply::Type::kArray;
      value.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i)
        value.elements.push_back(Convert(*reply.element[i]));
      return value;
    default:
      return value;  // nil
  }
  if (reply.str != nullptr) value.text.assign(reply.str, reply.len);
  return value;
}

// A server's error line for a message: shortened, and without the password should an odd
// server repeat it.
std::string Quote(std::string text, const std::string& password) {
  if (!password.empty()) {
    for (size_t at = 0; (at = text.find(password, at)) != std::string::npos; at += 3) {
      text.replace(at, password.size(), "***");
    }
  }
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return text;
}

bool IsStatus(const RedisReply& reply, std::string_view text) {
  return reply.type == RedisReply::Type::kStatus && reply.text == text;
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisAddress& address, const RedisConnectionOptions& options) {
  const Clock::time_point deadline = Clock::now() + options.timeout;
  redisContext* context = redisConnectNonBlock(address.host.c_str(), address.port);
  if (context == nullptr) return Status(Code::kUnavailable, "redis: out of memory");
  if (context->err != 0) {
    const std::string reason = context->errstr;
    redisFree(context);
    return Status(Code::kUnavailable,
                  "redis: cannot connect to " + RedisEndpoint(address) + ": " + reason);
  }
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context, options));
  if (Status s = connection->WaitConnected(deadline); !s.ok()) {
    return Status(s.code(),
                  "redis: cannot connect to " + RedisEndpoint(address) + ": " + s.message());
  }
  redisEnableKeepAlive(context);
  if (Status s = connection->Handshake(address, deadline); !s.ok()) return s;
  return connection;
}

RedisConnection::RedisConnection(redisContext* context, const RedisConnectionOptions& options)
    : context_(context), options_(options), hooks_(std::make_unique<RedisReaderHooks>()) {
  hooks_->base = context_->reader->fn;
  hooks_->functions = *hooks_->base;
  hooks_->functions.createArray = CreateLimitedArray;
  hooks_->max_array_elements = options_.max_array_elements;
  context_->reader->fn = &hooks_->functions;
  context_->reader->privdata = hooks_.get();
}

RedisConnection::~RedisConnection() { redisFree(context_); }  // before hooks_, which it uses

// The reason alone (Connect says where): "timed out", "Connection refused".
Status RedisConnection::WaitConnected(Clock::time_point deadline) {
  switch (Wait(POLLOUT, deadline)) {
    case WaitResult::kReady:
      break;
    case WaitResult::kTimedOut:
      return Status(Code::kUnavailable, "timed out");
    case WaitResult::kCancelled:
      return Status(Code::kUnavailable, "cancelled");
    case WaitResult::kFailed:
      return Status(Code::kUnavailable, std::strerror(errno));
  }
  int error = 0;
  socklen_t size = sizeof error;
  if (getsockopt(context_->fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
  if (error != 0) return Status(Code::kUnavailable, std::strerror(error));
  return Status::Ok();
}

// AUTH, SELECT and PING in one round trip; the first refusal is the answer.
Status RedisConnection::Handshake(const RedisAddress& address, Clock::time_point deadline) {
  const std::string db = std::to_string(address.db);
  const bool auth = !address.password.empty();
  if (auth && address.user.empty()) Append({"AUTH", address.password});
  if (auth && !address.user.empty()) Append({"AUTH", address.user, address.password});
  if (address.db != 0) Append({"SELECT", db});
  Append({"PING"});
  if (Status s = FlushUntil(deadline); !s.ok()) return s;
  if (auth) {
    Status s = ExpectStatus("AUTH", "OK", Code::kUnauthenticated, address.password, deadline);
    if (!s.ok()) return s;
  }
  if (address.db != 0) {
    Status s =
        ExpectStatus("SELECT " + db, "OK", Code::kInvalidArgument, address.password, deadline);
    if (!s.ok()) return s;
  }
  return ExpectStatus("PING", "PONG", Code::kUnavailable, address.password, deadline);
}

Status RedisConnection::ExpectStatus(std::string_view command, std::string_view expected,
                                     Code refused, const std::string& password,
                                     Clock::time_point deadline) {
  Result<std::optional<RedisReply>> reply = ReadUntil(deadline);
  if (!reply.ok()) return reply.status();
  if (!reply->has_value()) return Break("no answer within the connect timeout");
  const RedisReply& got = **reply;
  if (got.type == RedisReply::Type::kError) {
    const bool no_auth = got.text.starts_with("NOAUTH");
    const Code code = no_auth                          ? Code::kUnauthenticated
                      : got.text.starts_with("NOPERM") ? Code::kForbidden
                                                       : refused;
    return Status(code,
                  "redis: " + std::string(command) + " refused: " + Quote(got.text, password) +
                      (no_auth ? " (the password goes in the URL: redis://:password@host)" : ""));
  }
  if (!IsStatus(got, expected)) return Break("unexpected reply to " + std::string(command));
  return Status::Ok();
}

void RedisConnection::Append(std::span<const std::string_view> args) {
  if (!broken_.ok()) return;
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                             lengths.data()) != REDIS_OK) {
    Break("cannot queue a command (out of memory)");
  }
}

Status RedisConnection::Flush() { return FlushUntil(Clock::now() + options_.timeout); }

Status RedisConnection::FlushUntil(Clock::time_point deadline) {
  for (;;) {
    if (!broken_.ok()) return broken_;
    int done = 0;
    {
      ScopedSigpipeBlock no_sigpipe;
      if (redisBufferWrite(context_, &done) != REDIS_OK) {
        return Break(std::string("connection lost: ") + context_->errstr);
      }
    }
    if (done) return Status::Ok();
    switch (Wait(POLLOUT, deadline)) {
      case WaitResult::kReady:
        break;
      case WaitResult::kTimedOut:
        return Break("the server took no bytes within the timeout");
      case WaitResult::kCancelled:
        return Break("cancelled");
      case WaitResult::kFailed:
        return Break(std::string("poll: ") + std::strerror(errno));
    }
  }
}

Result<RedisReply> RedisConnection::Read() {
  Result<std::optional<RedisReply>> reply = ReadUntil(Clock::now() + options_.timeout);
  if (!reply.ok()) return reply.status();
  if (!reply->has_value()) return Break("no reply within the timeout");
  return std::move(**reply);
}

Result<std::optional<RedisReply>> RedisConnection::Poll(std::chrono::milliseconds wait) {
  return ReadUntil(Clock::now() + wait);
}

Result<RedisReply> RedisConnection::Command(std::span<const std::string_view> args) {
  Append(args);
  if (Status s = Flush(); !s.ok()) return s;
  return Read();
}

Result<std::optional<RedisReply>> RedisConnection::ReadUntil(Clock::time_point deadline) {
  for (;;) {
    if (!broken_.ok()) return broken_;
    void* raw = nullptr;
    if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) {
      return Break(hooks_->refused_array
                       ? "an array of more than " + std::to_string(options_.max_array_elements) +
                             " elements"
                       : std::string("protocol error: ") + context_->errstr);
    }
    if (raw != nullptr) {
      std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                         freeReplyObject);
      return std::optional<RedisReply>(Convert(*reply));
    }
    const redisReader* reader = context_->reader;
    if (reader->len - reader->pos > options_.max_reply_bytes) {
      return Break("a reply over " + std::to_string(options_.max_reply_bytes) + " bytes");
    }
    switch (Wait(POLLIN, deadline)) {
      case WaitResult::kReady:
        break;
      case WaitResult::kTimedOut:
        return std::optional<RedisReply>();
      case WaitResult::kCancelled:
        return Break("cancelled");
      case WaitResult::kFailed:
        return Break(std::string("poll: ") + std::strerror(errno));
    }
    if (redisBufferRead(context_) != REDIS_OK) {
      return Break(std::string("connection lost: ") + context_->errstr);
    }
  }
}

RedisConnection::WaitResult RedisConnection::Wait(short events, Clock::time_point deadline) {
  for (;;) {
    pollfd fds[2] = {{context_->fd, events, 0}, {options_.cancel_fd, POLLIN, 0}};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int ready = poll(fds, options_.cancel_fd >= 0 ? 2 : 1,
                           static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return WaitResult::kFailed;
    if (options_.cancel_fd >= 0 && fds[1].revents != 0) return WaitResult::kCancelled;
    // An error or a hang-up is left to the read or the write, which says what it is.
    if (fds[0].revents != 0) return WaitResult::kReady;
    if (Clock::now() >= deadline) return WaitResult::kTimedOut;
  }
}

Status RedisConnection::Break(std::string_view what) {
  if (broken_.ok()) broken_ = Status(Code::kUnavailable, "redis: " + std::string(what));
  return broken_;
}

}  // namespace parley::cluster
