#include "net/connection_limiter.h"

#include <sys/resource.h>

#include <algorithm>
#include <utility>

#include "base/log.h"

namespace parley::net {

size_t ConnectionLimiter::open() {
  std::lock_guard lock(mu_);
  return total_;
}
namespace {

// Descriptors kept for everything but connections: SQLite (a database, WAL and shared-memory
// file per connection), media files being written or served, the event loop, pipes, logs.
constexpr rlim_t kReservedDescriptors = 64;

}  // namespace

ConnectionLimiter::Slot::Slot(ConnectionLimiter* limiter, std::string key)
    : limiter_(limiter), key_(std::move(key)) {}

ConnectionLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), key_(std::move(other.key_)) {}

ConnectionLimiter::Slot::~Slot() {
  if (limiter_ != nullptr) limiter_->Release(key_);
}

ConnectionLimiter::ConnectionLimiter(size_t max_total, size_t max_per_address,
                                     std::vector<Cidr> trusted_proxies)
    : max_total_(max_total),
      max_per_address_(max_per_address),
      trusted_proxies_(std::move(trusted_proxies)) {}

std::optional<ConnectionLimiter::Slot> ConnectionLimiter::TryAdmit(
    const boost::asio::ip::address& address) {
  const bool proxy = std::any_of(trusted_proxies_.begin(), trusted_proxies_.end(),
                                 [&](const Cidr& range) { return CidrContains(range, address); });
  std::string key = proxy ? std::string() : AddressLimitKey(address);  // "": counted in all only
  std::lock_guard lock(mu_);
  if (total_ >= max_total_) return std::nullopt;
  if (!proxy) {
    size_t& from_address = per_address_[key];
    if (from_address >= max_per_address_) return std::nullopt;
    ++from_address;
  }
  ++total_;
  return Slot(this, std::move(key));
}

void ConnectionLimiter::Release(const std::string& key) {
  std::lock_guard lock(mu_);
  --total_;
  if (key.empty()) return;
  auto it = per_address_.find(key);
  if (--it->second == 0) per_address_.erase(it);
}

size_t FitToDescriptorLimit(size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  const rlim_t needed = static_cast<rlim_t>(wanted) + kReservedDescriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) return wanted;
  const rlim_t reserved = std::min(kReservedDescriptors, limit.rlim_cur / 2);
  const size_t fitted = static_cast<size_t>(std::max<rlim_t>(1, limit.rlim_cur - reserved));
  Log(LogLevel::kWarning, "connection_cap_lowered",
      {{"wanted", std::to_string(wanted)},
       {"max_connections", std::to_string(fitted)},
       {"open_files_limit", std::to_string(limit.rlim_cur)}});
  return fitted;
}

}  // namespace parley::net
