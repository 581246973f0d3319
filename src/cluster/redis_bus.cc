#include "cluster/redis_bus.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "base/log.h"
#include "cluster/redis_connection.h"

namespace parley::cluster {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kPerMessageOverhead = 64;  // a queued string's own size and the deque's share
// One pipeline: enough to amortize the round trip, small enough that its replies fit in the
// socket buffers while it is being written.
constexpr size_t kMaxBatchMessages = 512;
constexpr size_t kMaxBatchBytes = 1 << 20;
constexpr std::chrono::milliseconds kFirstBackoff{20};
// A connection that lasted this long ends its outage: the next one backs off from kFirstBackoff.
constexpr std::chrono::seconds kSteady{10};
constexpr std::chrono::milliseconds kListenWait{250};
// How often an idle publisher looks whether its connection was closed.
constexpr std::chrono::milliseconds kIdleCheck{250};
constexpr std::chrono::milliseconds kPingInterval{1000};
// Room beyond the payload for the framing of a pub/sub message (type, channel, lengths).
constexpr size_t kFramingBytes = 64 << 10;

size_t Cost(const std::string& payload) { return payload.size() + kPerMessageOverhead; }

bool IsArrayOf(const RedisReply& reply, size_t size, std::string_view kind) {
  return reply.type == RedisReply::Type::kArray && reply.elements.size() == size &&
         reply.elements[0].type == RedisReply::Type::kString && reply.elements[0].text == kind;
}

Status Odd(std::string_view what) {
  return Status(Code::kUnavailable, "redis: " + std::string(what));
}

}  // namespace

// The delays between attempts to connect one connection: doubling from kFirstBackoff up to
// max_backoff while attempts fail, and kept when a connection breaks soon after it was made
// (a server that accepts and then refuses is not hammered), back to kFirstBackoff once a
// connection lasted kSteady.
class RedisBus::Backoff {
 public:
  explicit Backoff(std::chrono::milliseconds max) : max_(std::max(max, kFirstBackoff)) {}
  std::chrono::milliseconds Next() {
    const std::chrono::milliseconds delay = delay_;
    delay_ = std::min(delay_ * 2, max_);
    return delay;
  }
  void Connected() { since_ = Clock::now(); }
  void Broke() {
    if (Clock::now() - since_ >= kSteady) delay_ = kFirstBackoff;
  }

 private:
  const std::chrono::milliseconds max_;
  std::chrono::milliseconds delay_ = kFirstBackoff;
  Clock::time_point since_ = Clock::now();
};

Result<std::unique_ptr<RedisBus>> RedisBus::Start(RedisBusOptions options, OnBusMessage on_message,
                                                  OnBusConnected on_connected) {
  if (options.channel.empty()) return Status(Code::kInvalidArgument, "redis bus: empty channel");
  if (options.max_queue_bytes == 0 || !on_message) {
    return Status(Code::kInvalidArgument, "redis bus: no queue or no message callback");
  }
  std::unique_ptr<RedisBus> bus(
      new RedisBus(std::move(options), std::move(on_message), std::move(on_connected)));
  if (bus->wake_fd_ < 0) return Status(Code::kInternal, "redis bus: cannot make an eventfd");
  Result<std::unique_ptr<RedisConnection>> publisher = bus->Open(/*subscribe=*/false);
  if (!publisher.ok()) return publisher.status();
  Result<std::unique_ptr<RedisConnection>> subscriber = bus->Open(/*subscribe=*/true);
  if (!subscriber.ok()) return subscriber.status();
  bus->SetPublisherUp(true);
  RedisBus* self = bus.get();
  bus->publisher_ = std::thread(
      [self, c = std::move(*publisher)]() mutable { self->RunPublisher(std::move(c)); });
  bus->subscriber_ = std::thread(
      [self, c = std::move(*subscriber)]() mutable { self->RunSubscriber(std::move(c)); });
  return bus;
}

RedisBus::RedisBus(RedisBusOptions options, OnBusMessage on_message, OnBusConnected on_connected)
    : options_(std::move(options)),
      on_message_(std::move(on_message)),
      on_connected_(std::move(on_connected)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

RedisBus::~RedisBus() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool RedisBus::Publish(std::string payload) {
  {
    std::lock_guard lock(mu_);
    const size_t cost = Cost(payload);
    if (stopping_ || !publisher_up_ || queued_bytes_ + cost > options_.max_queue_bytes) {
      ++dropped_;
      return false;
    }
    queued_bytes_ += cost;
    queue_.push_back(std::move(payload));
  }
  queue_changed_.notify_one();
  return true;
}

void RedisBus::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  // Readable from now on: every wait of both threads ends. (It cannot fail: the counter is far
  // from overflowing.)
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
  if (publisher_.joinable()) publisher_.join();
  if (subscriber_.joinable()) subscriber_.join();
  SetPublisherUp(false);  // drops what is left
}

RedisBus::Stats RedisBus::stats() const {
  return Stats{published_.load(), dropped_.load(), received_.load(), reconnects_.load()};
}

bool RedisBus::connected() const {
  std::lock_guard lock(mu_);
  return publisher_up_ && subscriber_up_;
}

// ---- Connections ----------------------------------------------------------------------------

Result<std::unique_ptr<RedisConnection>> RedisBus::Open(bool subscribe) {
  RedisConnectionOptions connection_options;
  connection_options.timeout = options_.connect_timeout;
  connection_options.cancel_fd = wake_fd_;
  connection_options.max_reply_bytes = options_.max_queue_bytes + kFramingBytes;
  connection_options.max_array_elements = 8;  // replies here have 3 elements at most
  Result<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Connect(options_.address, connection_options);
  if (!connection.ok() || !subscribe) return connection;
  Result<RedisReply> reply = (*connection)->Command({"SUBSCRIBE", options_.channel});
  if (!reply.ok()) return reply.status();
  if (reply->type == RedisReply::Type::kError) {
    const Code code = reply->text.starts_with("NOPERM") ? Code::kForbidden : Code::kUnavailable;
    return Status(code, "redis: SUBSCRIBE refused: " + reply->text.substr(0, 200));
  }
  if (!IsArrayOf(*reply, 3, "subscribe") || reply->elements[1].text != options_.channel) {
    return Odd("unexpected reply to SUBSCRIBE");
  }
  return connection;
}

std::unique_ptr<RedisConnection> RedisBus::Reconnect(bool subscribe, Backoff& backoff,
                                                     int* attempts) {
  backoff.Broke();
  for (;;) {
    if (!Sleep(backoff.Next())) return nullptr;
    ++*attempts;
    Result<std::unique_ptr<RedisConnection>> connection = Open(subscribe);
    if (connection.ok()) {
      backoff.Connected();
      return std::move(*connection);
    }
  }
}

bool RedisBus::Sleep(std::chrono::milliseconds delay) {
  const Clock::time_point deadline = Clock::now() + delay;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd wake{wake_fd_, POLLIN, 0};
    const int ready = poll(&wake, 1, static_cast<int>(std::max<int64_t>(left, 0)));
    if (ready > 0) return false;
    if (ready == 0 && Clock::now() >= deadline) return true;
  }
}

void RedisBus::LogDown(std::string_view role, const Status& why) const {
  Log(LogLevel::kWarning, "redis_bus_down",
      {{"role", std::string(role)},
       {"redis", RedisEndpoint(options_.address)},
       {"reason", why.message()}});
}

void RedisBus::LogUp(std::string_view role, int attempts) const {
  Log(LogLevel::kInfo, "redis_bus_up",
      {{"role", std::string(role)},
       {"redis", RedisEndpoint(options_.address)},
       {"attempts", std::to_string(attempts)}});
}

// ---- Publisher ------------------------------------------------------------------------------

void RedisBus::RunPublisher(std::unique_ptr<RedisConnection> connection) {
  pthread_setname_np(pthread_self(), "redis-publish");
  Backoff backoff(options_.max_backoff);
  for (;;) {
    if (connection == nullptr) {
      int attempts = 0;
      connection = Reconnect(/*subscribe=*/false, backoff, &attempts);
      if (connection == nullptr) return;
      ++reconnects_;
      SetPublisherUp(true);
      LogUp("publisher", attempts);
    }
    std::vector<std::string> batch;
    if (!TakeBatch(&batch)) return;
    const Status sent = batch.empty() ? CheckIdle(*connection) : Send(*connection, batch);
    if (!sent.ok()) {
      SetPublisherUp(false);
      connection.reset();
      if (stopping_) return;
      LogDown("publisher", sent);
    }
  }
}

bool RedisBus::TakeBatch(std::vector<std::string>* batch) {
  std::unique_lock lock(mu_);
  queue_changed_.wait_for(lock, kIdleCheck, [&] { return stopping_ || !queue_.empty(); });
  if (stopping_) return false;
  size_t bytes = 0;
  while (!queue_.empty() && batch->size() < kMaxBatchMessages &&
         (batch->empty() || bytes + queue_.front().size() <= kMaxBatchBytes)) {
    bytes += queue_.front().size();
    batch->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return true;
}

// A server that closed the connection (a restart) is noticed now, not by the next PUBLISH.
Status RedisBus::CheckIdle(RedisConnection& connection) {
  Result<std::optional<RedisReply>> reply = connection.Poll(std::chrono::milliseconds(0));
  if (!reply.ok()) return reply.status();
  if (reply->has_value()) return Odd("a reply nothing asked for on the publisher connection");
  return Status::Ok();
}

Status RedisBus::Send(RedisConnection& connection, const std::vector<std::string>& batch) {
  size_t answered = 0;
  const Status sent = PublishBatch(connection, batch, &answered);
  published_ += answered;
  dropped_ += batch.size() - answered;
  size_t cost = 0;
  for (const std::string& payload : batch) cost += Cost(payload);
  std::lock_guard lock(mu_);
  queued_bytes_ -= cost;
  return sent;
}

Status RedisBus::PublishBatch(RedisConnection& connection, const std::vector<std::string>& batch,
                              size_t* answered) {
  for (const std::string& payload : batch)
    connection.Append({"PUBLISH", options_.channel, payload});
  if (Status s = connection.Flush(); !s.ok()) return s;
  for (*answered = 0; *answered < batch.size(); ++*answered) {
    Result<RedisReply> reply = connection.Read();
    if (!reply.ok()) return reply.status();
    if (reply->type != RedisReply::Type::kInteger) {
      return Odd(reply->type == RedisReply::Type::kError
                     ? "PUBLISH refused: " + reply->text.substr(0, 200)
                     : "unexpected reply to PUBLISH");
    }
  }
  return Status::Ok();
}

void RedisBus::SetPublisherUp(bool up) {
  std::lock_guard lock(mu_);
  publisher_up_ = up && !stopping_;
  if (publisher_up_) return;
  dropped_ += queue_.size();
  for (const std::string& payload : queue_) queued_bytes_ -= Cost(payload);
  queue_.clear();
}

// ---- Subscriber -----------------------------------------------------------------------------

void RedisBus::RunSubscriber(std::unique_ptr<RedisConnection> connection) {
  pthread_setname_np(pthread_self(), "redis-subscribe");
  Backoff backoff(options_.max_backoff);
  for (;;) {
    if (connection == nullptr) {
      int attempts = 0;
      connection = Reconnect(/*subscribe=*/true, backoff, &attempts);
      if (connection == nullptr) return;
      ++reconnects_;
      LogUp("subscriber", attempts);
    }
    subscriber_up_ = true;
    if (on_connected_) on_connected_();
    const Status lost = Listen(*connection);
    subscriber_up_ = false;
    connection.reset();
    if (stopping_) return;
    LogDown("subscriber", lost);
  }
}

Status RedisBus::Listen(RedisConnection& connection) {
  Clock::time_point last_heard = Clock::now();
  bool pinged = false;
  while (!stopping_) {
    Result<std::optional<RedisReply>> reply = connection.Poll(kListenWait);
    if (!reply.ok()) return reply.status();
    const Clock::time_point now = Clock::now();
    if (!reply->has_value()) {
      if (pinged && now - last_heard > kPingInterval + options_.connect_timeout) {
        return Odd("no answer to PING");
      }
      if (!pinged && now - last_heard >= kPingInterval) {
        connection.Append({"PING"});
        if (Status s = connection.Flush(); !s.ok()) return s;
        pinged = true;
      }
      continue;
    }
    last_heard = now;
    pinged = false;
    const RedisReply& got = **reply;
    if (IsArrayOf(got, 3, "message") && got.elements[1].text == options_.channel &&
        got.elements[2].type == RedisReply::Type::kString) {
      ++received_;
      on_message_(got.elements[2].text);
    } else if (!IsArrayOf(got, 2, "pong")) {
      return Odd("unexpected reply on the subscription");
    }
  }
  return Status::Ok();
}

}  // namespace parley::cluster
