// PerUserLimit: at most `max` requests of one kind in flight per user (a password change, the
// completion of an upload), so one account cannot fill an expensive pool with its own work. A
// request over the limit is refused at once (`rate_limited`, 429 with Retry-After).
//
// Thread-safety: thread-safe. A Slot must not outlive its limit.
#ifndef PARLEY_NET_PER_USER_LIMIT_H_
#define PARLEY_NET_PER_USER_LIMIT_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace parley::net {

class PerUserLimit {
 public:
  // One request in flight, ended when the Slot is destroyed.
  class Slot {
   public:
    Slot(PerUserLimit* limit, int64_t user_id) : limit_(limit), user_id_(user_id) {}
    Slot(Slot&& other) noexcept
        : limit_(std::exchange(other.limit_, nullptr)), user_id_(other.user_id_) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limit_ == nullptr) return;
      std::lock_guard lock(limit_->mu_);
      auto it = limit_->in_flight_.find(user_id_);
      if (--it->second == 0) limit_->in_flight_.erase(it);
    }

   private:
    PerUserLimit* limit_;
    int64_t user_id_;
  };

  explicit PerUserLimit(int max) : max_(max) {}

  // A slot when the user has fewer than `max` requests in flight; nullopt otherwise.
  std::optional<Slot> TryEnter(int64_t user_id) {
    std::lock_guard lock(mu_);
    int& count = in_flight_[user_id];
    if (count >= max_) return std::nullopt;
    ++count;
    return Slot(this, user_id);
  }

 private:
  const int max_;
  std::mutex mu_;
  std::unordered_map<int64_t, int> in_flight_;  // guarded by mu_; no entry means 0
};

}  // namespace parley::net

#endif  // PARLEY_NET_PER_USER_LIMIT_H_
