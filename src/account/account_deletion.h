// AccountDeletion: a user deletes their own account (docs/protocol.md, "Deleting the account",
// which lists exactly what is removed and what remains).
//
// Contract
// - Delete checks the password and, when two-step sign-in is on, a code
//   (TwoFactorService::ConfirmIdentity: kUnauthenticated when wrong or missing, kRateLimited
//   under the usual limits). Nothing changes when the check fails.
// - Then, in this order: every session ends (devices revoked, their WebSockets closed, their
//   push targets removed); each group passes on (an owner's to the admin who joined first,
//   else the member who joined first; a group nobody else is in is dissolved) and the user
//   leaves it, each change an event in the group's stream; finally one writer task erases
//   the account (store.h WriteTxn::EraseAccount), the blobs no other media uses are removed
//   and the user's data export, if any, and notification settings (push.db) are deleted.
// - If a step after the check fails the call returns its error; calling Delete again (with a
//   live session) finishes the job, as every step may be repeated.
// - Blocking (argon2id, store, writer tasks): call from a worker thread. Thread-safe.
// - Ownership: borrows everything given to the constructor; all must outlive it.
#ifndef PARLEY_ACCOUNT_ACCOUNT_DELETION_H_
#define PARLEY_ACCOUNT_ACCOUNT_DELETION_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "account/export_service.h"
#include "account/two_factor_service.h"
#include "auth/auth_service.h"
#include "base/status.h"
#include "chat/groups/groups.h"
#include "chat/media/media_service.h"
#include "push/registry.h"
#include "store/store.h"

namespace parley::account {

// The display name a deleted account shows to others (clients translate it by the username
// prefix "~deleted-").
inline constexpr std::string_view kDeletedUserName = "Deleted user";

class AccountDeletion {
 public:
  AccountDeletion(store::Store& store, auth::AuthService& auth, TwoFactorService& two_factor,
                  chat::Groups& groups, chat::MediaService& media, ExportService& exports,
                  push::Registry& push);

  Status Delete(const auth::Principal& me, std::string_view password, std::string_view code,
                std::string_view client_address, int64_t now);

  // The same steps without the identity check: a server admin deleting an account
  // (account/admin_service.h). kNotFound "no such user" from the erase step if there is none.
  Status Erase(int64_t user_id);

 private:
  // Hands each group on and leaves it.
  Status LeaveGroups(int64_t user_id);
  // Who gets a group its owner leaves; nullopt if nobody else is in it.
  Result<std::optional<int64_t>> Successor(int64_t group_id, int64_t owner_id);

  store::Store& store_;
  auth::AuthService& auth_;
  TwoFactorService& two_factor_;
  chat::Groups& groups_;
  chat::MediaService& media_;
  ExportService& exports_;
  push::Registry& push_;
};

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_ACCOUNT_DELETION_H_
