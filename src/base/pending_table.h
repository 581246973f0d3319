// PendingTable: short-lived, single-use secrets waiting for a client to come back (a two-step
// sign-in challenge, an OpenID Connect state or ticket, an identity confirmation, the admin
// setup token), keyed by a value the client holds (or its hash). Bounded: at most
// `max_entries`, expired ones dropped first, then the oldest (base/lru_table.h), so a flood of
// started sign-ins costs bounded memory and only pushes out other unfinished ones.
//
// In a cluster, Share makes the table keep its entries in a store the nodes share (Redis,
// cluster/redis_entries.h), so the next step may come to any node. Values are encoded with the
// caller's codec (base/wire.h) after their end; what comes back malformed is absent (and
// logged), never trusted. While the store does not answer, Put keeps the entry in the node's own
// table (a client that comes back to this node still gets through), and Take and Peek look in
// the store first, then in the node's own table.
//
// Thread-safety: every method but Share is thread-safe (one mutex, plus one round trip to the
// shared store when shared).
#ifndef PARLEY_BASE_PENDING_TABLE_H_
#define PARLEY_BASE_PENDING_TABLE_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/lru_table.h"
#include "base/shared_entries.h"
#include "base/wire.h"

namespace parley {

template <typename Value>
class PendingTable {
 public:
  // A value's codec for the shared store: Decode reads what Encode wrote and may fail the
  // reader (WireReader::Fail) for a value out of range.
  using Encode = void (*)(const Value& value, WireWriter& out);
  using Decode = Value (*)(WireReader& in);

  explicit PendingTable(size_t max_entries) : entries_(max_entries) {}
  PendingTable(const PendingTable&) = delete;
  PendingTable& operator=(const PendingTable&) = delete;

  // From now on, entries go to `shared` as the table `name` (stable and unique among tables,
  // e.g. "oidc.tickets"). Called once at start-up, before any other call and any other thread
  // uses the table; `shared` must outlive it.
  void Share(SharedEntries* shared, std::string name, Encode encode, Decode decode) {
    shared_ = shared;
    name_ = std::move(name);
    encode_ = encode;
    decode_ = decode;
  }

  // Stores `value` under `key` (replacing any) until `expires_at`; entries expired at `now`
  // are dropped first to make room.
  void Put(std::string_view key, Value value, int64_t now, int64_t expires_at) {
    if (shared_ != nullptr) {
      std::string bytes;
      WireWriter out(&bytes);
      out.SignedVarint(expires_at);
      encode_(value, out);
      if (shared_->Put(name_, key, bytes, now, expires_at)) {
        std::lock_guard lock(mutex_);
        entries_.Erase(key);  // one kept here during an outage is replaced, not left beside it
        return;
      }
    }
    std::lock_guard lock(mutex_);
    const Entry entry{std::move(value), expires_at};
    entries_.Touch(key, entry, [now](const Entry& e) { return e.expires_at <= now; }) = entry;
  }

  // Removes the entry and returns it if it had not expired at `now`: each is taken once.
  std::optional<Value> Take(std::string_view key, int64_t now) {
    if (shared_ != nullptr) {
      if (std::optional<Value> value = Decoded(shared_->Take(name_, key, now), now)) return value;
    }
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
    if (shared_ != nullptr) {
      if (std::optional<Value> value = Decoded(shared_->Peek(name_, key, now), now)) return value;
    }
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

  // The value in `bytes` if they hold one that has not expired at `now`.
  std::optional<Value> Decoded(const std::optional<std::string>& bytes, int64_t now) const {
    if (!bytes) return std::nullopt;
    WireReader in(*bytes);
    const int64_t expires_at = in.SignedVarint();
    Value value = decode_(in);
    if (in.ok() && in.remaining() != 0) in.Fail("bytes left over");
    if (!in.ok()) {
      Log(LogLevel::kWarning, "shared_entry_malformed",
          {{"table", name_}, {"reason", std::string(in.status().message())}});
      return std::nullopt;
    }
    if (expires_at <= now) return std::nullopt;
    return value;
  }

  SharedEntries* shared_ = nullptr;  // set once by Share, before concurrent use
  std::string name_;
  Encode encode_ = nullptr;
  Decode decode_ = nullptr;
  mutable std::mutex mutex_;
  LruTable<Entry> entries_;  // GUARDED_BY(mutex_)
};

}  // namespace parley

#endif  // PARLEY_BASE_PENDING_TABLE_H_
