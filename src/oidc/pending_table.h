// PendingTable: short-lived, single-use secrets waiting for the browser to come back (an
// authorization request's state; a verified identity's ticket), keyed by the random value the
// browser holds. Bounded: at most `max_entries`, expired ones dropped first, then the oldest
// (base/lru_table.h), so a flood of started logins costs bounded memory and only pushes out
// other unfinished logins.
//
// Thread-safety: every method is thread-safe (one mutex).
#ifndef PARLEY_OIDC_PENDING_TABLE_H_
#define PARLEY_OIDC_PENDING_TABLE_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "base/lru_table.h"

namespace parley::oidc {

template <typename Value>
class PendingTable {
 public:
  explicit PendingTable(size_t max_entries) : entries_(max_entries) {}

  // Stores `value` under `key` (replacing any) until `expires_at`; entries expired at `now`
  // are dropped first to make room.
  void Put(std::string_view key, Value value, int64_t now, int64_t expires_at) {
    std::lock_guard lock(mutex_);
    const Entry entry{std::move(value), expires_at};
    entries_.Touch(key, entry, [now](const Entry& e) { return e.expires_at <= now; }) = entry;
  }

  // Removes the entry and returns it if it had not expired at `now`: each is taken once.
  std::optional<Value> Take(std::string_view key, int64_t now) {
    std::lock_guard lock(mutex_);
    const Entry* entry = entries_.Find(key);
    if (entry == nullptr) return std::nullopt;
    std::optional<Value> value;
    if (entry->expires_at > now) value = entry->value;
    entries_.Erase(key);
    return value;
  }

  // The entry if it has not expired at `now`, left in place.
  std::optional<Value> Peek(std::string_view key, int64_t now) const {
    std::lock_guard lock(mutex_);
    const Entry* entry = entries_.Find(key);
    if (entry == nullptr || entry->expires_at <= now) return std::nullopt;
    return entry->value;
  }

 private:
  struct Entry {
    Value value;
    int64_t expires_at = 0;
  };
  mutable std::mutex mutex_;
  LruTable<Entry> entries_;  // guarded by mutex_
};

}  // namespace parley::oidc

#endif  // PARLEY_OIDC_PENDING_TABLE_H_
