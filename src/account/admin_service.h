// AdminService: what server admins do to accounts and reports, each action written to the audit
// log (docs/operations.md, "Administration"; docs/protocol.md, "Administration").
//
// Contract
// - Callers are server admins: net/api_admin.cc checks the role once for every admin route
//   before calling here. `actor` is that admin; it names the audit entry.
// - Every action that changes something appends one audit entry (actor, action, target, time,
//   details) after it took effect; details never hold a password, token or message text. The
//   actions and targets are listed in docs/protocol.md ("Audit log").
// - An admin cannot disable, delete or reset the password of their own account (kForbidden):
//   the server keeps an admin who can undo mistakes.
// - kNotFound "no such user" / "no such report" / "no such group" for unknown ids.
// - Thread-safe; blocking (store, writer, argon2id-free): call from worker threads.
// - Ownership: borrows everything given to the constructor; all must outlive it.
#ifndef PARLEY_ACCOUNT_ADMIN_SERVICE_H_
#define PARLEY_ACCOUNT_ADMIN_SERVICE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "account/account_deletion.h"
#include "auth/auth_service.h"
#include "base/status.h"
#include "chat/fanout/hub.h"
#include "chat/groups/groups.h"
#include "chat/notices/moderation.h"
#include "chat/notices/notices.h"
#include "chat/notices/reports.h"
#include "store/store.h"

namespace parley::account {

// A page of a listing that walks ids: `has_more` says another page follows.
template <typename T>
struct AdminPage {
  std::vector<T> items;
  bool has_more = false;
};

// One account as an admin sees it: the user (no password hash) and its active sessions.
struct UserDetails {
  store::User user;
  std::vector<store::Device> sessions;  // newest first
  bool has_password = false;            // false after a forced reset, until the user sets one
};

// One group as an admin sees it, member or not: the group (with its member count) and its
// owner.
struct AdminGroup {
  store::Group group;
  int64_t owner_id = 0;
};

struct AdminStats {
  store::ServerStats counts;
  int64_t online_connections = 0;  // client sessions attached now (WebSocket and XMPP)
};

class AdminService {
 public:
  AdminService(store::Store& store, auth::AuthService& auth, AccountDeletion& deletion,
               chat::Notices& notices, chat::Moderation& moderation, const chat::Hub& hub,
               chat::Groups& groups);

  static constexpr int kMaxPage = 200;

  // Users whose username or display name contains `query` (empty: all), id > after_id,
  // ascending id; limit 1 to kMaxPage (kInvalidArgument otherwise).
  Result<AdminPage<store::User>> ListUsers(std::string_view query, int64_t after_id, int limit);
  Result<UserDetails> ShowUser(int64_t user_id, int64_t now);

  // Disabled: the account's sessions end at once (WebSockets closed), its logins and tokens are
  // refused with kAccountDisabled. Disabling a disabled account changes nothing but is audited.
  Status Disable(const store::User& actor, int64_t user_id, int64_t now);
  Status Enable(const store::User& actor, int64_t user_id, int64_t now);
  // The password is removed and every session ends: the user signs in again only after the
  // password-reset flow (e-mail) sets a new one.
  Status ForcePasswordReset(const store::User& actor, int64_t user_id, int64_t now);
  Status RevokeSessions(const store::User& actor, int64_t user_id, int64_t now);
  // Deletes the account as its owner would (account_deletion.h), without their password.
  Status DeleteUser(const store::User& actor, int64_t user_id, int64_t now);
  // Grants or revokes the server-admin role (chat/notices/notices.h SetAdmin's rules).
  Status SetAdmin(const store::User& actor, int64_t user_id, bool is_admin, int64_t now);
  // Sends a system notice (chat/notices/notices.h); the audit entry counts its recipients.
  Result<int64_t> SendNotice(const store::User& actor, const chat::NoticeRequest& request,
                             int64_t now);
  // Records that `actor` became an admin with the setup token (auth/admin_setup.h).
  Status RecordSetupClaimed(const store::User& actor, int64_t now);

  // A live group; kNotFound "no such group" otherwise.
  Result<AdminGroup> ShowGroup(int64_t group_id);

  Result<AdminStats> Stats();
  // Newest first, id < before_id (0: from the newest); limit 1 to kMaxPage.
  Result<AdminPage<store::AuditEntry>> AuditLog(int64_t before_id, int limit);
  Result<AdminPage<store::Report>> ListReports(bool open_only, int64_t before_id, int limit);
  // Applies the resolution, then marks the report resolved. kConflict if it was resolved
  // already; kInvalidArgument for kDeleteMessage on a report that names no message, and for
  // kMakePrivate or kDeleteGroup on one that names no group. A message or group deleted
  // meanwhile counts as deleted; a group gone private meanwhile, as made private. The group
  // actions are audited as group.make_private / group.delete as well.
  Result<store::Report> Resolve(const store::User& actor, int64_t report_id,
                                chat::Resolution resolution, int64_t now);

 private:
  Status Audit(const store::User& actor, std::string action, std::string target,
               std::string details, int64_t now);
  // Makes the report's group private or deletes it, and audits that.
  Status ModerateGroup(const store::User& actor, const store::Report& report,
                       chat::Resolution resolution, int64_t now);
  // kForbidden when an admin turns an action on their own account.
  static Status NotSelf(const store::User& actor, int64_t user_id, std::string_view what);

  store::Store& store_;
  auth::AuthService& auth_;
  AccountDeletion& deletion_;
  chat::Notices& notices_;
  chat::Moderation& moderation_;
  const chat::Hub& hub_;
  chat::Groups& groups_;
};

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_ADMIN_SERVICE_H_
