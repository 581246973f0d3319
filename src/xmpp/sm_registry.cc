#include "xmpp/sm_registry.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/random_hex.h"

namespace parley::xmpp {

std::string SmRegistry::Register(int64_t user_id, const std::shared_ptr<C2sSession>& session) {
  std::string id = RandomHex(16);
  std::lock_guard lock(mutex_);
  users_[user_id].push_back(Entry{id, session, false});
  return id;
}

SmRegistry::Entry* SmRegistry::Lookup(int64_t user_id, std::string_view id) {
  auto user = users_.find(user_id);
  if (user == users_.end()) return nullptr;
  Entry* found = nullptr;
  for (Entry& entry : user->second) {  // every entry compared: no early exit to time
    if (entry.id.size() == id.size() && CRYPTO_memcmp(entry.id.data(), id.data(), id.size()) == 0) {
      found = &entry;
    }
  }
  return found;
}

void SmRegistry::Remove(int64_t user_id, std::string_view id) {
  std::lock_guard lock(mutex_);
  auto user = users_.find(user_id);
  if (user == users_.end()) return;
  std::erase_if(user->second, [id](const Entry& entry) { return entry.id == id; });
  if (user->second.empty()) users_.erase(user);
}

std::shared_ptr<C2sSession> SmRegistry::Find(int64_t user_id, std::string_view id) {
  std::lock_guard lock(mutex_);
  Entry* entry = Lookup(user_id, id);
  return entry == nullptr || !entry->detached ? nullptr : entry->session.lock();
}

bool SmRegistry::MarkDetached(int64_t user_id, std::string_view id) {
  std::lock_guard lock(mutex_);
  Entry* entry = Lookup(user_id, id);
  if (entry == nullptr) return false;
  const std::vector<Entry>& entries = users_[user_id];
  const size_t waiting = static_cast<size_t>(
      std::count_if(entries.begin(), entries.end(), [](const Entry& e) { return e.detached; }));
  if (waiting >= max_detached_) return false;
  entry->detached = true;
  return true;
}

void SmRegistry::MarkAttached(int64_t user_id, std::string_view id) {
  std::lock_guard lock(mutex_);
  if (Entry* entry = Lookup(user_id, id)) entry->detached = false;
}

}  // namespace parley::xmpp
