#include "auth/admin_setup.h"

#include "auth/token.h"
#include "base/random_hex.h"

namespace parley::auth {
namespace {

Status Refused() { return Status(Code::kForbidden, "no such setup token"); }

void EncodeNothing(const bool& /*open*/, WireWriter& /*out*/) {}
bool DecodeNothing(WireReader& /*in*/) { return true; }

}  // namespace

void AdminSetup::Share(SharedEntries* shared) {
  tokens_.Share(shared, "auth.admin_setup", &EncodeNothing, &DecodeNothing);
}

Result<std::string> AdminSetup::OpenIfNoAdmin(int64_t now) {
  Result<bool> has_admin = store_.HasAdmin();
  if (!has_admin.ok()) return has_admin.status();
  if (*has_admin) return std::string();
  std::string token = RandomHex(16);
  tokens_.Put(TokenHash(token), true, now, now + kLifetimeMs);
  return token;
}

// Tokens are looked up by their SHA-256, so a lookup's timing says nothing about the tokens.
Status AdminSetup::Claim(int64_t user_id, std::string_view token, int64_t now) {
  std::lock_guard<std::mutex> lock(claim_mutex_);
  // The other nodes' tokens outlive the first claim: an admin closes setup for all of them.
  Result<bool> has_admin = store_.HasAdmin();
  if (!has_admin.ok()) return has_admin.status();
  if (*has_admin) return Refused();
  const std::string hash = TokenHash(token);
  if (!tokens_.Take(hash, now)) return Refused();
  Status set = store_.SetAdmin(user_id, true);
  if (!set.ok()) tokens_.Put(hash, true, now, now + kLifetimeMs);  // not spent: try again
  return set;
}

}  // namespace parley::auth
