// parley notice | admin | admin-setup | report: server-admin commands, and reports by any user.
#include <iostream>
#include <vector>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"

namespace parley::cli {

int RunNotice(const CliContext& context, const std::string& text,
              const std::vector<std::string>& usernames, bool everyone) {
  if (everyone == !usernames.empty()) {
    return Fail(Status(Code::kInvalidArgument, "give either --all or --to USER..."));
  }
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  std::vector<int64_t> ids;
  for (const std::string& username : usernames) {
    Result<client::User> user = (*api)->LookupUser(username);
    if (!user.ok()) return Fail(user.status(), username);
    ids.push_back(user->id);
  }
  Result<int64_t> recipients = (*api)->SendNotice(text, ids);
  if (!recipients.ok()) return Fail(recipients.status(), "notice");
  std::cout << "notice sent to " << *recipients << " user" << (*recipients == 1 ? "" : "s") << "\n";
  return kExitOk;
}

int RunAdminSetup(const CliContext& context, const std::string& setup_token) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (Status status = (*api)->ClaimAdminSetup(setup_token); !status.ok()) {
    return Fail(status, "admin-setup");
  }
  std::cout << "you are now a server admin\n";
  return kExitOk;
}

namespace {

using nlohmann::json;

// "alice (#12) admin disabled"
std::string UserLine(const json& user) {
  std::string line = user.at("username").get<std::string>() + " (#" +
                     std::to_string(user.at("id").get<int64_t>()) + ")";
  if (user.value("is_admin", false)) line += " admin";
  if (user.value("disabled", false)) line += " disabled";
  line += "  last seen " + FormatDateTime(user.value("last_seen_at", int64_t{0}));
  return line;
}

void PrintMore(const json& page, const char* what, const char* flag, int64_t next) {
  if (page.value("has_more", false)) {
    std::cout << "(more " << what << ": " << flag << " " << next << ")\n";
  }
}

int ListUsers(client::HttpApi& api, const AdminArgs& args) {
  auto page = api.AdminUsers(args.user, args.after, args.limit);
  if (!page.ok()) return Fail(page.status(), "users");
  int64_t last = 0;
  for (const json& user : page->at("users")) {
    std::cout << UserLine(user) << "\n";
    last = user.at("id").get<int64_t>();
  }
  PrintMore(*page, "users", "--after", last);
  return kExitOk;
}

int ShowUser(client::HttpApi& api, int64_t user_id) {
  auto details = api.AdminUser(user_id);
  if (!details.ok()) return Fail(details.status(), "user");
  std::cout << UserLine(details->at("user")) << "\n";
  if (!details->value("has_password", true)) std::cout << "no password: must reset it\n";
  const json& sessions = details->at("sessions");
  std::cout << sessions.size() << " active session" << (sessions.size() == 1 ? "" : "s") << "\n";
  for (const json& s : sessions) {
    std::cout << "  " << s.at("id").get<int64_t>() << "  " << s.at("device").get<std::string>()
              << "  last seen " << FormatDateTime(s.at("last_seen_at").get<int64_t>()) << "\n";
  }
  return kExitOk;
}

int PrintStats(client::HttpApi& api) {
  auto stats = api.AdminStats();
  if (!stats.ok()) return Fail(stats.status(), "stats");
  for (const char* key : {"users", "disabled_users", "conversations", "messages", "media_bytes",
                          "online_connections"}) {
    std::cout << key << ": " << stats->at(key).get<int64_t>() << "\n";
  }
  return kExitOk;
}

int PrintAudit(client::HttpApi& api, const AdminArgs& args) {
  auto page = api.AuditLog(args.before, args.limit);
  if (!page.ok()) return Fail(page.status(), "audit");
  int64_t last = 0;
  for (const json& e : page->at("entries")) {
    last = e.at("id").get<int64_t>();
    std::cout << last << "  " << FormatDateTime(e.at("at").get<int64_t>()) << "  user#"
              << e.at("actor_id").get<int64_t>() << "  " << e.at("action").get<std::string>()
              << "  " << e.at("target").get<std::string>();
    if (std::string details = e.at("details").get<std::string>(); !details.empty()) {
      std::cout << "  " << details;
    }
    std::cout << "\n";
  }
  PrintMore(*page, "entries", "--before", last);
  return kExitOk;
}

// What the reporter showed: the message's text, or the group as it was.
void PrintSnapshot(const json& s) {
  if (s.is_null()) return;
  if (s.contains("text")) {
    std::cout << "    message (" << s.at("kind").get<std::string>()
              << "): " << s.at("text").get<std::string>() << "\n";
    return;
  }
  std::cout << "    group: " << s.at("name").get<std::string>() << "  "
            << (s.at("is_public").get<bool>() ? "public" : "private") << "  "
            << s.at("member_count").get<int64_t>() << " members  owner user#"
            << s.at("owner_id").get<int64_t>() << "\n";
  if (std::string topic = s.at("topic").get<std::string>(); !topic.empty()) {
    std::cout << "    topic: " << topic << "\n";
  }
}

int ShowGroup(client::HttpApi& api, int64_t group_id) {
  auto group = api.AdminGroup(group_id);
  if (!group.ok()) return Fail(group.status(), "group");
  const json& g = *group;
  std::cout << "group #" << g.at("id").get<int64_t>() << "  " << g.at("name").get<std::string>()
            << "\n"
            << (g.at("is_public").get<bool>() ? "public" : "private") << ", "
            << g.at("member_count").get<int64_t>() << " members, owner user#"
            << g.at("owner_id").get<int64_t>() << ", created "
            << FormatDateTime(g.at("created_at").get<int64_t>()) << "\n";
  if (std::string topic = g.at("topic").get<std::string>(); !topic.empty()) {
    std::cout << "topic: " << topic << "\n";
  }
  return kExitOk;
}

int PrintReports(client::HttpApi& api, const AdminArgs& args) {
  auto page = api.AdminReports(!args.all, args.before, args.limit);
  if (!page.ok()) return Fail(page.status(), "reports");
  int64_t last = 0;
  for (const json& r : page->at("reports")) {
    last = r.at("id").get<int64_t>();
    std::cout << "#" << last << "  " << FormatDateTime(r.at("created_at").get<int64_t>())
              << "  by user#" << r.at("reporter_id").get<int64_t>() << "  of user#"
              << r.at("user_id").get<int64_t>();
    if (r.at("kind") == "message") {
      std::cout << " message #" << r.at("conversation_id").get<int64_t>() << ":"
                << r.at("seq").get<int64_t>();
    }
    if (r.at("kind") == "group") std::cout << " group #" << r.at("group_id").get<int64_t>();
    std::cout << "  " << r.at("state").get<std::string>();
    if (std::string resolution = r.at("resolution").get<std::string>(); !resolution.empty()) {
      std::cout << " (" << resolution << ")";
    }
    std::cout << "\n    reason: " << r.at("reason").get<std::string>() << "\n";
    PrintSnapshot(r.at("snapshot"));
  }
  PrintMore(*page, "reports", "--before", last);
  return kExitOk;
}

// The verbs that act on one user and print one line.
int UserAction(client::HttpApi& api, const AdminArgs& args, int64_t user_id) {
  const std::string& verb = args.verb;
  Status status;
  std::string done;
  if (verb == "grant" || verb == "revoke") {
    status = api.SetAdmin(user_id, verb == "grant");
    done = verb == "grant" ? " is now a server admin" : " is no longer a server admin";
  } else if (verb == "disable" || verb == "enable") {
    status = api.AdminUserAction(user_id, verb);
    done = verb == "disable" ? " is disabled; their sessions ended" : " is enabled again";
  } else if (verb == "reset-password") {
    status = api.AdminUserAction(user_id, "password-reset");
    done = " must reset their password; their sessions ended";
  } else if (verb == "logout") {
    status = api.AdminRevokeSessions(user_id);
    done = "'s sessions ended";
  } else if (verb == "delete") {
    if (!args.confirmed) {
      return Fail(
          Status(Code::kInvalidArgument, "deleting an account cannot be undone: add --yes"));
    }
    status = api.AdminDeleteUser(user_id);
    done = "'s account is deleted";
  }
  if (!status.ok()) return Fail(status, verb);
  std::cout << args.user << done << "\n";
  return kExitOk;
}

Result<json> ReportMessageIn(client::HttpApi& api, const std::string& where, int64_t seq,
                             const std::string& reason) {
  Result<int64_t> conversation = ResolveConversation(api, where);
  if (!conversation.ok()) return conversation.status();
  return api.ReportMessage(*conversation, seq, reason);
}

Result<json> ReportUserNamed(client::HttpApi& api, const std::string& username,
                             const std::string& reason) {
  Result<client::User> user = api.LookupUser(username);
  if (!user.ok()) return user.status();
  return api.ReportUser(user->id, reason);
}

}  // namespace

int RunAdmin(const CliContext& context, const AdminArgs& args) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (args.verb == "users") return ListUsers(**api, args);
  if (args.verb == "stats") return PrintStats(**api);
  if (args.verb == "audit") return PrintAudit(**api, args);
  if (args.verb == "reports") return PrintReports(**api, args);
  if (args.verb == "group") return ShowGroup(**api, args.id);
  if (args.verb == "resolve") {
    std::string action = args.action;
    for (char& c : action) c = c == '-' ? '_' : c;  // delete-message -> delete_message
    auto report = (*api)->ResolveReport(args.id, action);
    if (!report.ok()) return Fail(report.status(), "resolve");
    std::cout << "report #" << args.id << " resolved: " << args.action << "\n";
    return kExitOk;
  }
  Result<client::User> user = (*api)->LookupUser(args.user);
  if (!user.ok()) return Fail(user.status(), args.user);
  if (args.verb == "user") return ShowUser(**api, user->id);
  return UserAction(**api, args, user->id);
}

int RunReport(const CliContext& context, const std::string& where, int64_t seq, int64_t group_id,
              const std::string& reason) {
  if (where.empty() == (group_id == 0)) {
    return Fail(Status(Code::kInvalidArgument, "give either WHERE or --group ID"));
  }
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  auto report = group_id != 0 ? (*api)->ReportGroup(group_id, reason)
                : seq > 0     ? ReportMessageIn(**api, where, seq, reason)
                              : ReportUserNamed(**api, where, reason);
  if (!report.ok()) return Fail(report.status(), "report");
  std::cout << "report #" << report->at("id").get<int64_t>() << " sent to the server admins\n";
  return kExitOk;
}

}  // namespace parley::cli
