#include "account/admin_service.h"

#include <utility>

namespace parley::account {
namespace {

std::string UserTarget(int64_t user_id) { return "user:" + std::to_string(user_id); }

Status CheckLimit(int limit) {
  if (limit < 1 || limit > AdminService::kMaxPage) {
    return Status(Code::kInvalidArgument,
                  "limit must be 1 to " + std::to_string(AdminService::kMaxPage));
  }
  return Status::Ok();
}

// Reads one more than asked to learn whether another page follows.
template <typename T>
Result<AdminPage<T>> PageOf(Result<std::vector<T>> rows, int limit) {
  if (!rows.ok()) return rows.status();
  AdminPage<T> page;
  page.items = std::move(*rows);
  if (page.items.size() > static_cast<size_t>(limit)) {
    page.items.resize(static_cast<size_t>(limit));
    page.has_more = true;
  }
  return page;
}

}  // namespace

AdminService::AdminService(store::Store& store, auth::AuthService& auth, AccountDeletion& deletion,
                           chat::Notices& notices, chat::Moderation& moderation,
                           const chat::Hub& hub, chat::Groups& groups)
    : store_(store),
      auth_(auth),
      deletion_(deletion),
      notices_(notices),
      moderation_(moderation),
      hub_(hub),
      groups_(groups) {}

Result<AdminPage<store::User>> AdminService::ListUsers(std::string_view query, int64_t after_id,
                                                       int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  return PageOf(store_.SearchUsers(query, after_id, limit + 1), limit);
}

Result<UserDetails> AdminService::ShowUser(int64_t user_id, int64_t now) {
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  auto sessions = store_.ListDevices(user_id, now);
  if (!sessions.ok()) return sessions.status();
  UserDetails details;
  details.has_password = !user->password_hash.empty();
  details.user = std::move(*user);
  details.user.password_hash.clear();
  details.sessions = std::move(*sessions);
  return details;
}

Status AdminService::Disable(const store::User& actor, int64_t user_id, int64_t now) {
  if (Status s = NotSelf(actor, user_id, "disable"); !s.ok()) return s;
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  // Disabled first, then the sessions end: a login racing in between is refused either way.
  if (user->disabled_at == 0) {
    if (Status s = store_.SetDisabled(user_id, now); !s.ok()) return s;
  }
  if (Status s = auth_.EndAllSessions(user_id); !s.ok()) return s;
  return Audit(actor, "user.disable", UserTarget(user_id), user->username, now);
}

Status AdminService::Enable(const store::User& actor, int64_t user_id, int64_t now) {
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  if (Status s = store_.SetDisabled(user_id, 0); !s.ok()) return s;
  return Audit(actor, "user.enable", UserTarget(user_id), user->username, now);
}

Status AdminService::ForcePasswordReset(const store::User& actor, int64_t user_id, int64_t now) {
  if (Status s = NotSelf(actor, user_id, "reset the password of"); !s.ok()) return s;
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  if (Status s = auth_.ForcePasswordReset(user_id); !s.ok()) return s;
  return Audit(actor, "user.password_reset", UserTarget(user_id), user->username, now);
}

Status AdminService::RevokeSessions(const store::User& actor, int64_t user_id, int64_t now) {
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  if (Status s = auth_.EndAllSessions(user_id); !s.ok()) return s;
  return Audit(actor, "user.sessions_revoke", UserTarget(user_id), user->username, now);
}

Status AdminService::DeleteUser(const store::User& actor, int64_t user_id, int64_t now) {
  if (Status s = NotSelf(actor, user_id, "delete"); !s.ok()) return s;
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  if (Status s = deletion_.Erase(user_id); !s.ok()) return s;
  return Audit(actor, "user.delete", UserTarget(user_id), user->username, now);
}

Status AdminService::SetAdmin(const store::User& actor, int64_t user_id, bool is_admin,
                              int64_t now) {
  if (Status s = notices_.SetAdmin(actor, user_id, is_admin); !s.ok()) return s;
  return Audit(actor, is_admin ? "user.admin_grant" : "user.admin_revoke", UserTarget(user_id), "",
               now);
}

Result<int64_t> AdminService::SendNotice(const store::User& actor,
                                         const chat::NoticeRequest& request, int64_t now) {
  auto recipients = notices_.Send(actor, request);
  if (!recipients.ok()) return recipients;
  const std::string count = std::to_string(*recipients);
  Status audited = Audit(actor, "notice.send", request.everyone ? "users:all" : "users:listed",
                         count + (*recipients == 1 ? " recipient" : " recipients"), now);
  if (!audited.ok()) return audited;
  return recipients;
}

Status AdminService::RecordSetupClaimed(const store::User& actor, int64_t now) {
  return Audit(actor, "admin.setup", UserTarget(actor.id), "", now);
}

Result<AdminGroup> AdminService::ShowGroup(int64_t group_id) {
  auto group = store_.FindGroup(group_id);
  if (!group.ok()) {
    return group.status().code() == Code::kNotFound ? Status(Code::kNotFound, "no such group")
                                                    : group.status();
  }
  auto owner = chat::GroupOwner(store_, group_id);
  if (!owner.ok()) return owner.status();
  return AdminGroup{std::move(*group), *owner};
}

Result<AdminStats> AdminService::Stats() {
  auto counts = store_.CountStats();
  if (!counts.ok()) return counts.status();
  return AdminStats{*counts, static_cast<int64_t>(hub_.online_peer_count())};
}

Result<AdminPage<store::AuditEntry>> AdminService::AuditLog(int64_t before_id, int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  return PageOf(store_.AuditEntries(before_id, limit + 1), limit);
}

Result<AdminPage<store::Report>> AdminService::ListReports(bool open_only, int64_t before_id,
                                                           int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  return PageOf(store_.ListReports(open_only, before_id, limit + 1), limit);
}

Result<store::Report> AdminService::Resolve(const store::User& actor, int64_t report_id,
                                            chat::Resolution resolution, int64_t now) {
  auto report = store_.FindReport(report_id);
  if (!report.ok()) return report.status();
  if (report->resolved_at != 0) return Status(Code::kConflict, "the report is resolved already");
  const std::string report_target = "report:" + std::to_string(report_id);
  switch (resolution) {
    case chat::Resolution::kDismiss:
      break;
    case chat::Resolution::kDeleteMessage: {
      if (report->conversation_id == 0) {
        return Status(Code::kInvalidArgument, "this report names no message");
      }
      Status deleted = moderation_.DeleteMessage(actor.id, report->conversation_id, report->seq,
                                                 "moderation:" + report_target);
      if (!deleted.ok() && deleted.code() != Code::kGone) return deleted;
      break;
    }
    case chat::Resolution::kDisableUser:
      if (Status s = Disable(actor, report->user_id, now); !s.ok()) return s;
      break;
    case chat::Resolution::kMakePrivate:
    case chat::Resolution::kDeleteGroup:
      if (Status s = ModerateGroup(actor, *report, resolution, now); !s.ok()) return s;
      break;
  }
  auto resolved = store_.ResolveReport(report_id, actor.id, chat::ResolutionName(resolution), now);
  if (!resolved.ok()) return resolved.status();
  if (!*resolved) return Status(Code::kConflict, "the report is resolved already");
  if (Status s = Audit(actor, "report.resolve", report_target,
                       std::string(chat::ResolutionName(resolution)), now);
      !s.ok()) {
    return s;
  }
  return store_.FindReport(report_id);
}

Status AdminService::ModerateGroup(const store::User& actor, const store::Report& report,
                                   chat::Resolution resolution, int64_t now) {
  if (report.group_id == 0) {
    return Status(Code::kInvalidArgument, "this report names no group");
  }
  const bool remove = resolution == chat::Resolution::kDeleteGroup;
  Status done = groups_.ModerateAsAdmin(actor.id, report.group_id,
                                        remove ? chat::Groups::ServerAdminAction::kDeleteGroup
                                               : chat::Groups::ServerAdminAction::kMakePrivate);
  // Gone meanwhile (deleted by its owner, or emptied): nothing is left to act on.
  if (done.code() == Code::kNotFound) return Status::Ok();
  if (!done.ok()) return done;
  return Audit(actor, remove ? "group.delete" : "group.make_private",
               "group:" + std::to_string(report.group_id), report.snapshot.group_name, now);
}

Status AdminService::Audit(const store::User& actor, std::string action, std::string target,
                           std::string details, int64_t now) {
  store::AuditEntry entry;
  entry.at = now;
  entry.actor_id = actor.id;
  entry.action = std::move(action);
  entry.target = std::move(target);
  entry.details = std::move(details);
  auto added = store_.AddAuditEntry(entry);
  return added.ok() ? Status::Ok() : added.status();
}

Status AdminService::NotSelf(const store::User& actor, int64_t user_id, std::string_view what) {
  if (actor.id != user_id) return Status::Ok();
  return Status(Code::kForbidden, "an admin cannot " + std::string(what) + " their own account");
}

}  // namespace parley::account
