// LruTable: a map from short string keys to values with a bounded number of keys, the least
// recently touched forgotten first. The rate limiter and the failure backoff keep their
// per-key state in one, so an attacker who invents keys costs bounded memory.
//
// Touch() creates a missing key; before it does, it drops up to `kIdleTrimPerInsert` of the
// coldest entries the caller calls idle (state that has run out: a full bucket, a forgotten
// failure), so memory follows the keys active lately rather than growing to the cap, and then
// the coldest entries while the table is full.
//
// Thread-safety: none; the owner locks.
#ifndef PARLEY_BASE_LRU_TABLE_H_
#define PARLEY_BASE_LRU_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace parley {

template <typename Value>
class LruTable {
 public:
  explicit LruTable(size_t max_keys) : max_keys_(std::max<size_t>(max_keys, 1)) {}
  LruTable(const LruTable&) = delete;
  LruTable& operator=(const LruTable&) = delete;

  // The value of `key`, or nullptr; does not change the order.
  const Value* Find(std::string_view key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->value;
  }

  // The value of `key`, made the most recent; created as `fresh` if missing (see the top).
  template <typename IsIdle>
  Value& Touch(std::string_view key, const Value& fresh, const IsIdle& is_idle) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      entries_.splice(entries_.begin(), entries_, it->second);  // iterators stay valid
      return it->second->value;
    }
    for (int i = 0; i < kIdleTrimPerInsert && !entries_.empty() && is_idle(entries_.back().value);
         ++i) {
      DropColdest();
    }
    while (index_.size() >= max_keys_) DropColdest();
    entries_.push_front(Entry{std::string(key), fresh});
    index_.emplace(entries_.front().key, entries_.begin());
    return entries_.front().value;
  }

  void Erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    auto entry = it->second;
    index_.erase(it);  // before the erase below: the map's key views the entry's string
    entries_.erase(entry);
  }

  size_t size() const { return index_.size(); }

 private:
  static constexpr int kIdleTrimPerInsert = 2;
  struct Entry {
    std::string key;
    Value value;
  };
  using Entries = std::list<Entry>;  // most recently touched first

  void DropColdest() {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }

  const size_t max_keys_;
  Entries entries_;
  std::unordered_map<std::string_view, typename Entries::iterator> index_;  // views entry keys
};

}  // namespace parley

#endif  // PARLEY_BASE_LRU_TABLE_H_
