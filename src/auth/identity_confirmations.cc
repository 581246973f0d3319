#include "auth/identity_confirmations.h"

#include <string>

namespace parley::auth {

void IdentityConfirmations::Record(int64_t user_id, int64_t device_id, int64_t now) {
  std::lock_guard lock(mutex_);
  const Entry entry{user_id, now + kLifetimeMs};
  entries_.Touch(std::to_string(device_id), entry,
                 [now](const Entry& e) { return e.expires_at <= now; }) = entry;
}

bool IdentityConfirmations::Take(int64_t user_id, int64_t device_id, int64_t now) {
  std::lock_guard lock(mutex_);
  const std::string key = std::to_string(device_id);
  const Entry* entry = entries_.Find(key);
  if (entry == nullptr) return false;
  const bool fresh = entry->user_id == user_id && entry->expires_at > now;
  entries_.Erase(key);
  return fresh;
}

}  // namespace parley::auth
