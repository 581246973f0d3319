#include "auth/admin_setup.h"

#include <sodium.h>

#include "auth/token.h"
#include "base/random_hex.h"

namespace parley::auth {

Result<std::string> AdminSetup::OpenIfNoAdmin() {
  Result<bool> has_admin = store_.HasAdmin();
  if (!has_admin.ok()) return has_admin.status();
  if (*has_admin) return std::string();
  std::string token = RandomHex(16);
  std::lock_guard<std::mutex> lock(mutex_);
  token_hash_ = TokenHash(token);
  return token;
}

Status AdminSetup::Claim(int64_t user_id, std::string_view token) {
  const std::string hash = TokenHash(token);
  std::lock_guard<std::mutex> lock(mutex_);  // one claim at a time: the token is single use
  if (token_hash_.empty() || sodium_memcmp(hash.data(), token_hash_.data(), hash.size()) != 0) {
    return Status(Code::kForbidden, "no such setup token");
  }
  if (Status s = store_.SetAdmin(user_id, true); !s.ok()) return s;
  token_hash_.clear();
  return Status::Ok();
}

}  // namespace parley::auth
