// WorkPool: a thread pool for one kind of expensive blocking work (password hashing, media
// processing) that holds at most `threads + max_waiting` jobs, running or waiting. A job that
// finds it full is refused at once rather than queued behind the others, so a flood of expensive
// requests gets `unavailable` (503 with Retry-After) while the cheap requests, on the general
// worker pool, never wait behind it. Run jobs with OnPool (net/blocking.h).
//
// Thread-safety: thread-safe. Ownership: owns its threads; Join() (or the destructor) waits
// for them. A Ticket must not outlive its pool.
#ifndef PARLEY_NET_WORK_POOL_H_
#define PARLEY_NET_WORK_POOL_H_

#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>

namespace parley::net {

class WorkPool {
 public:
  // Room for one job, given back when the Ticket is destroyed.
  class Ticket {
   public:
    explicit Ticket(WorkPool* pool) : pool_(pool) {}
    Ticket(Ticket&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)) {}
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (pool_ == nullptr) return;
      std::lock_guard lock(pool_->mu_);
      --pool_->held_;
    }

   private:
    WorkPool* pool_;
  };

  WorkPool(int threads, int max_waiting)
      : threads_(static_cast<size_t>(threads)),
        capacity_(static_cast<size_t>(threads) + static_cast<size_t>(max_waiting)) {}

  // A ticket when the pool holds fewer than threads + max_waiting jobs; nullopt when full.
  std::optional<Ticket> TryReserve() {
    std::lock_guard lock(mu_);
    if (held_ >= capacity_) return std::nullopt;
    ++held_;
    return Ticket(this);
  }

  boost::asio::thread_pool& threads() { return threads_; }
  void Join() { threads_.join(); }

 private:
  boost::asio::thread_pool threads_;
  const size_t capacity_;
  std::mutex mu_;
  size_t held_ = 0;  // guarded by mu_
};

}  // namespace parley::net

#endif  // PARLEY_NET_WORK_POOL_H_
