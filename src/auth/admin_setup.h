// AdminSetup: how a new server gets its first admin without handing it to whoever registers
// first (docs/protocol.md, "System notices and the admin role").
//
// At start-up, if no account is a server admin, Open() makes a one-time setup token that the
// operator reads from parleyd's output; an account that presents it (POST /api/v1/admin/setup)
// becomes an admin, and the token is spent. Tokens are 128 random bits, compared in constant
// time; only their hash is kept. A restart while there is still no admin makes a new token.
//
// Thread-safety: thread-safe; Claim blocks on the store (call from worker threads). Borrows
// the store, which must outlive it.
#ifndef PARLEY_AUTH_ADMIN_SETUP_H_
#define PARLEY_AUTH_ADMIN_SETUP_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace parley::auth {

class AdminSetup {
 public:
  explicit AdminSetup(store::Store& store) : store_(store) {}
  AdminSetup(const AdminSetup&) = delete;
  AdminSetup& operator=(const AdminSetup&) = delete;

  // If the server has no admin, opens setup and returns its token (32 hex digits); if it has
  // one, returns "" and setup stays closed. Store failures are returned.
  Result<std::string> OpenIfNoAdmin();

  // Makes `user_id` a server admin if `token` is the open token, and closes setup (single use).
  // kForbidden for a wrong token or when setup is closed (one answer for both).
  Status Claim(int64_t user_id, std::string_view token);

 private:
  store::Store& store_;
  std::mutex mutex_;
  std::string token_hash_;  // GUARDED_BY(mutex_); empty: setup is closed
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_ADMIN_SETUP_H_
