// RedisBus: the transport between parleyd nodes, one Redis pub/sub channel carrying opaque
// byte payloads (what they mean is cluster/bus_message.h's business, not this file's).
//
// Two connections and two threads (named redis-publish and redis-subscribe):
// - the publisher thread takes what Publish queued and sends it in pipelines (N PUBLISH
//   commands written at once, then their N replies read);
// - the subscriber thread SUBSCRIBEs and hands every message of the channel to OnBusMessage,
//   in the order Redis delivered them, INCLUDING the ones this bus published itself (Redis sends
//   them back; the caller tells its own apart). While the channel is idle it PINGs every second,
//   so a server that went away without closing the connection is noticed within about
//   1 s + connect_timeout.
//
// Delivery is best effort, at most once, as Redis pub/sub is: what is published while the
// publisher connection is down, queued when it goes down, or in flight when it breaks is
// dropped and counted (Stats::dropped), and what other nodes publish while the subscriber is
// down is never seen. The caller recovers from the store: OnBusConnected after every
// (re)SUBSCRIBE is its cue that messages may have been missed.
//
// Connections: Start connects both (a misconfigured node fails at start: kUnavailable when
// Redis cannot be reached, kUnauthenticated for a refused password, ...). Later, any error (a
// lost connection, a timeout, a reply of an unexpected type, a reply over the size limit)
// drops that connection and reconnects it with exponential backoff (20 ms doubling up to
// max_backoff; a connection that breaks again within 10 s keeps the delay it had reached),
// logging one `redis_bus_down` when it breaks and one `redis_bus_up` when it is back, and
// counting Stats::reconnects (each connection counts its own: a Redis restart counts two).
// A closed connection is noticed at once by the subscriber and within 250 ms by an idle
// publisher; connected() reflects what the threads have noticed.
//
// Bounds: the queue holds at most max_queue_bytes (each payload counts its size plus 64 bytes
// of bookkeeping, and a batch being sent still counts); Publish drops past that. A payload
// over max_queue_bytes is never sent, and a message over it received breaks the subscriber
// connection (it reconnects): nodes of one cluster share this setting.
//
// Thread-safety: Publish, stats and connected from any thread. The callbacks run on the
// subscriber thread, one at a time; they must not call Stop or destroy the bus. Stop (or the
// destructor) returns within about a scheduling delay, whatever Redis does: every wait also
// polls a descriptor Stop makes readable. It waits for a running callback to return, and a
// host name lookup (getaddrinfo) in progress is the one wait it cannot cut short.
#ifndef PARLEY_CLUSTER_REDIS_BUS_H_
#define PARLEY_CLUSTER_REDIS_BUS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "cluster/redis_address.h"

namespace parley::cluster {

class RedisConnection;

struct RedisBusOptions {
  RedisAddress address;
  std::string channel = "parley:bus";
  size_t max_queue_bytes = 64 << 20;
  // Connecting (with AUTH, SELECT, SUBSCRIBE), and the longest wait for an answer after that.
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds max_backoff{1000};  // between reconnection attempts
};

// Each message of the channel, on the subscriber thread, in the order received.
using OnBusMessage = std::function<void(std::string_view payload)>;
// On the subscriber thread after each successful SUBSCRIBE (the first one included).
using OnBusConnected = std::function<void()>;

class RedisBus {
 public:
  struct Stats {
    uint64_t published = 0;   // PUBLISH answered by Redis
    uint64_t dropped = 0;     // given to Publish and not published
    uint64_t received = 0;    // handed to OnBusMessage
    uint64_t reconnects = 0;  // successful reconnections, of either connection
  };

  static Result<std::unique_ptr<RedisBus>> Start(RedisBusOptions options, OnBusMessage on_message,
                                                 OnBusConnected on_connected);
  ~RedisBus();  // Stop
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  // Queues `payload` for the publisher thread; never blocks. False (and counted as dropped)
  // when the publisher connection is down, the queue is full, or the bus is stopped.
  bool Publish(std::string payload);
  // Ends both threads and connections; what is still queued is dropped. Idempotent.
  void Stop();

  Stats stats() const;
  bool connected() const;  // both connections up

 private:
  RedisBus(RedisBusOptions options, OnBusMessage on_message, OnBusConnected on_connected);
  // A new connection (and its SUBSCRIBE when `subscribe`), or why not.
  Result<std::unique_ptr<RedisConnection>> Open(bool subscribe);
  class Backoff;
  // Open, after the delays of `backoff`, until it works; nullptr once Stop was called.
  std::unique_ptr<RedisConnection> Reconnect(bool subscribe, Backoff& backoff, int* attempts);
  // Waits for `delay` or Stop; false on Stop.
  bool Sleep(std::chrono::milliseconds delay);

  void RunPublisher(std::unique_ptr<RedisConnection> connection);
  // Up to one pipeline of queued payloads into *batch, after waiting a moment for the first
  // (none came: *batch empty). False on Stop.
  bool TakeBatch(std::vector<std::string>* batch);
  // Whether the idle publisher connection is still open.
  Status CheckIdle(RedisConnection& connection);
  // PublishBatch, and the counting.
  Status Send(RedisConnection& connection, const std::vector<std::string>& batch);
  // Sends `batch` as one pipeline; how many Redis answered, or the connection's failure.
  Status PublishBatch(RedisConnection& connection, const std::vector<std::string>& batch,
                      size_t* answered);
  // The publisher connection is up or down; down drops what is queued.
  void SetPublisherUp(bool up);

  void RunSubscriber(std::unique_ptr<RedisConnection> connection);
  // Reads messages until the connection fails (its failure) or Stop (OK).
  Status Listen(RedisConnection& connection);

  void LogDown(std::string_view role, const Status& why) const;
  void LogUp(std::string_view role, int attempts) const;

  const RedisBusOptions options_;
  const OnBusMessage on_message_;
  const OnBusConnected on_connected_;
  int wake_fd_ = -1;  // an eventfd, readable from Stop on

  mutable std::mutex mu_;
  std::condition_variable queue_changed_;
  std::deque<std::string> queue_;  // guarded by mu_
  size_t queued_bytes_ = 0;        // guarded by mu_; includes the batch being sent
  bool publisher_up_ = false;      // guarded by mu_
  // Written under mu_ (for queue_changed_'s waiters); read anywhere, once per message too.
  std::atomic<bool> stopping_ = false;
  std::atomic<bool> subscriber_up_ = false;

  std::atomic<uint64_t> published_ = 0;
  std::atomic<uint64_t> dropped_ = 0;
  std::atomic<uint64_t> received_ = 0;
  std::atomic<uint64_t> reconnects_ = 0;

  std::mutex stop_mu_;  // one Stop at a time
  std::thread publisher_;
  std::thread subscriber_;
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_BUS_H_
