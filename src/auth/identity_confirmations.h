// IdentityConfirmations: the fresh proofs of identity that stand in for the password of an
// account that has none (made by an OpenID Connect sign-in), before a sensitive change:
// setting a password, the e-mail address, two-step sign-in, deleting the account
// (docs/security.md, "Accounts without a password").
//
// A proof is recorded for one device (session) when its user went through the provider again
// (oidc/oidc_service.h, ConfirmIdentity) and lasts kLifetimeMs; Take uses it up, so each
// proof allows one change. A stolen token alone cannot make one: it needs the provider's
// sign-in of an identity linked to the account.
//
// Bounded: at most max_entries devices remembered, the oldest forgotten first. In a cluster the
// proofs are shared (Share; base/pending_table.h), so the change may go to another node than
// the proof. Thread-safety: every method but Share is thread-safe.
#ifndef PARLEY_AUTH_IDENTITY_CONFIRMATIONS_H_
#define PARLEY_AUTH_IDENTITY_CONFIRMATIONS_H_

#include <cstddef>
#include <cstdint>

#include "base/pending_table.h"
#include "base/shared_entries.h"

namespace parley::auth {

class IdentityConfirmations {
 public:
  static constexpr int64_t kLifetimeMs = 5 * 60 * 1000;

  explicit IdentityConfirmations(size_t max_entries) : user_by_device_(max_entries) {}

  // Called once while wiring, before any other call; `shared` outlives this.
  void Share(SharedEntries* shared);

  void Record(int64_t user_id, int64_t device_id, int64_t now);
  // Whether the device had a proof for the user that was still fresh at `now`; it is gone after.
  bool Take(int64_t user_id, int64_t device_id, int64_t now);

 private:
  PendingTable<int64_t> user_by_device_;  // the proven user id, by device id
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_IDENTITY_CONFIRMATIONS_H_
