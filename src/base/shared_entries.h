// SharedEntries: a store of short-lived, single-use entries that several nodes share, so that a
// secret handed out by one node (a sign-in challenge, an OpenID Connect state or ticket) is
// good on every node of a cluster (base/pending_table.h, Share).
//
// Entries are opaque bytes under (table name, key). Every entry has an end: the store forgets
// it by then at the latest, so its memory is bounded by how fast entries can be made (the rate
// limits in front of every maker) times their lifetimes. Take is atomic: of any number of
// concurrent Takes of one entry on any nodes, exactly one gets it.
//
// When the store cannot answer now (its server is down or slow) an operation says so at once or
// within its own short timeout; the table then uses its own memory (per node) meanwhile.
//
// Thread-safety: implementations are thread-safe; they outlive every table sharing them.
#ifndef PARLEY_BASE_SHARED_ENTRIES_H_
#define PARLEY_BASE_SHARED_ENTRIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

class SharedEntries {
 public:
  virtual ~SharedEntries() = default;

  // Stores `value` under `key` of the table `name` (stable across versions and nodes),
  // replacing any, until `expires_at` (the caller's wall-clock ms, as `now`). False when the
  // store cannot take it now (the caller keeps it itself).
  virtual bool Put(std::string_view name, std::string_view key, std::string_view value, int64_t now,
                   int64_t expires_at) = 0;

  // Removes the entry and returns its value; nullopt when there is none or the store cannot
  // answer now.
  virtual std::optional<std::string> Take(std::string_view name, std::string_view key,
                                          int64_t now) = 0;

  // The entry's value, left in place; nullopt as for Take.
  virtual std::optional<std::string> Peek(std::string_view name, std::string_view key,
                                          int64_t now) = 0;
};

}  // namespace parley

#endif  // PARLEY_BASE_SHARED_ENTRIES_H_
