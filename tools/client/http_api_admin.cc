// HttpApi: administration and reports (docs/protocol.md, "Administration", "Reports").
#include "client/http_api.h"
#include "client/reply.h"

namespace parley::client {

using nlohmann::json;

namespace {

using reply::Member;

std::string UserPath(int64_t user_id) { return "/admin/users/" + std::to_string(user_id); }

}  // namespace

Result<json> HttpApi::AdminUsers(std::string_view query, int64_t after_id, int limit) {
  return Call("GET", "/admin/users?q=" + EscapePathSegment(query) +
                         "&after=" + std::to_string(after_id) + "&limit=" + std::to_string(limit));
}

Result<json> HttpApi::AdminUser(int64_t user_id) { return Call("GET", UserPath(user_id)); }

Status HttpApi::AdminUserAction(int64_t user_id, std::string_view action) {
  return reply::StatusOf(Call("POST", UserPath(user_id) + "/" + EscapePathSegment(action)));
}

Status HttpApi::AdminRevokeSessions(int64_t user_id) {
  return reply::StatusOf(Call("DELETE", UserPath(user_id) + "/sessions"));
}

Status HttpApi::AdminDeleteUser(int64_t user_id) {
  return reply::StatusOf(Call("DELETE", UserPath(user_id)));
}

Result<json> HttpApi::AdminStats() { return Call("GET", "/admin/stats"); }

Result<json> HttpApi::AuditLog(int64_t before_id, int limit) {
  return Call("GET", "/admin/audit?before=" + std::to_string(before_id) +
                         "&limit=" + std::to_string(limit));
}

Result<json> HttpApi::AdminReports(bool open_only, int64_t before_id, int limit) {
  return Call("GET", std::string("/admin/reports?state=") + (open_only ? "open" : "all") +
                         "&before=" + std::to_string(before_id) +
                         "&limit=" + std::to_string(limit));
}

Result<json> HttpApi::AdminGroup(int64_t group_id) {
  return Member(Call("GET", "/admin/groups/" + std::to_string(group_id)), "group");
}

Result<json> HttpApi::ResolveReport(int64_t report_id, std::string_view action) {
  return Member(Call("POST", "/admin/reports/" + std::to_string(report_id) + "/resolve",
                     json{{"action", action}}),
                "report");
}

Result<json> HttpApi::ReportMessage(int64_t conversation_id, int64_t seq, std::string_view reason) {
  return Member(Call("POST", "/reports",
                     json{{"conversation_id", conversation_id}, {"seq", seq}, {"reason", reason}}),
                "report");
}

Result<json> HttpApi::ReportGroup(int64_t group_id, std::string_view reason) {
  return Member(Call("POST", "/reports", json{{"group_id", group_id}, {"reason", reason}}),
                "report");
}

Result<json> HttpApi::ReportUser(int64_t user_id, std::string_view reason) {
  return Member(Call("POST", "/reports", json{{"user_id", user_id}, {"reason", reason}}), "report");
}

}  // namespace parley::client
