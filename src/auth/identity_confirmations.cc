#include "auth/identity_confirmations.h"

#include <optional>
#include <string>

namespace parley::auth {
namespace {

void EncodeUserId(const int64_t& user_id, WireWriter& out) { out.SignedVarint(user_id); }
int64_t DecodeUserId(WireReader& in) { return in.SignedVarint(); }

}  // namespace

void IdentityConfirmations::Share(SharedEntries* shared) {
  user_by_device_.Share(shared, "auth.identity_confirmations", &EncodeUserId, &DecodeUserId);
}

void IdentityConfirmations::Record(int64_t user_id, int64_t device_id, int64_t now) {
  user_by_device_.Put(std::to_string(device_id), user_id, now, now + kLifetimeMs);
}

bool IdentityConfirmations::Take(int64_t user_id, int64_t device_id, int64_t now) {
  const std::optional<int64_t> proven = user_by_device_.Take(std::to_string(device_id), now);
  return proven == user_id;
}

}  // namespace parley::auth
