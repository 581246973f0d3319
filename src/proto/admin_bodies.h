// The JSON bodies of the administration and report replies (docs/protocol.md,
// "Administration", "Reports"). Pure functions over store records; never a password hash or a
// token hash, and a message's text only as a report's snapshot (what its reporter showed).
#ifndef PARLEY_PROTO_ADMIN_BODIES_H_
#define PARLEY_PROTO_ADMIN_BODIES_H_

#include <cstdint>
#include <span>
#include <string>

#include "store/types.h"

namespace parley::proto {

// {"users": [user...], "has_more": bool}; each user with is_admin, disabled_at, created_at
// and last_seen_at.
std::string AdminUsersBody(std::span<const store::User> users, bool has_more);
// {"user": {...}, "has_password": bool, "sessions": [session...]}
std::string AdminUserBody(const store::User& user, bool has_password,
                          std::span<const store::Device> sessions);
// {"users", "disabled_users", "conversations", "messages", "media_bytes", "online_connections"}
std::string AdminStatsBody(const store::ServerStats& counts, int64_t online_connections);
// {"entries": [{"id", "at", "actor_id", "action", "target", "details"}...], "has_more"}
std::string AuditLogBody(std::span<const store::AuditEntry> entries, bool has_more);
// {"reports": [report...], "has_more": bool}
std::string ReportsBody(std::span<const store::Report> reports, bool has_more);
// {"group": {"id", "name", "topic", "is_public", "member_count", "owner_id", "created_at",
// "last_seq"}}: a group as an admin sees it.
std::string AdminGroupBody(const store::Group& group, int64_t owner_id);
// {"report": report}
std::string ReportBody(const store::Report& report);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_ADMIN_BODIES_H_
