// AdminSetup: how a new server gets its first admin without handing it to whoever registers
// first (docs/protocol.md, "System notices and the admin role").
//
// At start-up, if no account is a server admin, OpenIfNoAdmin() makes a one-time setup token
// that the operator reads from parleyd's output; an account that presents it (POST
// /api/v1/admin/setup) becomes an admin, and the token is spent. Tokens are 128 random bits;
// only their hash is kept (as the key it is looked up by), for kLifetimeMs. A restart while
// there is still no admin makes a new token.
//
// In a cluster the tokens are shared (Share; base/pending_table.h): every node that starts
// with no admin prints its own, and any node accepts any of them; once one made an admin, Claim
// refuses the others (they stay in Redis until they end).
//
// Thread-safety: thread-safe but Share; Claim blocks on the store (call from worker threads).
// Borrows the store, which must outlive it.
#ifndef PARLEY_AUTH_ADMIN_SETUP_H_
#define PARLEY_AUTH_ADMIN_SETUP_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "base/pending_table.h"
#include "base/shared_entries.h"
#include "base/status.h"
#include "store/store.h"

namespace parley::auth {

class AdminSetup {
 public:
  static constexpr int64_t kLifetimeMs = 7 * 24 * 60 * 60 * 1000LL;  // 7 days

  explicit AdminSetup(store::Store& store) : store_(store), tokens_(1) {}
  AdminSetup(const AdminSetup&) = delete;
  AdminSetup& operator=(const AdminSetup&) = delete;

  // Called once while wiring, before OpenIfNoAdmin; `shared` outlives this.
  void Share(SharedEntries* shared);

  // If the server has no admin, opens setup and returns its token (32 hex digits), good until
  // now + kLifetimeMs; if it has one, returns "" and setup stays closed. Store failures are
  // returned.
  Result<std::string> OpenIfNoAdmin(int64_t now);

  // Makes `user_id` a server admin if `token` is an open token and no account is an admin yet,
  // and spends the token (single use). kForbidden for a wrong, spent or expired token or when
  // there is an admin already (one answer for all).
  Status Claim(int64_t user_id, std::string_view token, int64_t now);

 private:
  store::Store& store_;
  std::mutex claim_mutex_;     // one claim at a time on this node
  PendingTable<bool> tokens_;  // by token hash; this node's own: the latest only
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_ADMIN_SETUP_H_
