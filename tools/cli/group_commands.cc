// parley group ...: create and manage groups over HTTP; send into a group over WebSocket.
// Users are named by username (looked up to ids); groups by id (`parley conversations`).
#include <chrono>
#include <iostream>
#include <vector>

#include "base/clock.h"
#include "client/frames.h"
#include "client/http_api.h"
#include "client/ws_client.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {
namespace {

using nlohmann::json;

Result<std::vector<int64_t>> UserIds(client::HttpApi& api, const std::vector<std::string>& names) {
  std::vector<int64_t> ids;
  for (const std::string& name : names) {
    Result<client::User> user = api.LookupUser(name);
    if (!user.ok())
      return Status(user.status().code(), "user " + name + ": " + user.status().message());
    ids.push_back(user->id);
  }
  return ids;
}

void PrintGroup(const json& info) {
  const json& group = info.contains("group") ? info["group"] : info;
  std::cout << "group " << group.value("id", int64_t{0}) << " \"" << group.value("name", "") << "\""
            << (group.value("is_public", false) ? " (public)" : "") << "\n";
  if (!group.value("topic", std::string()).empty())
    std::cout << "topic: " << group["topic"].get<std::string>() << "\n";
  std::cout << "members: " << group.value("member_count", int64_t{0})
            << "  my role: " << group.value("my_role", std::string("?")) << "\n";
  for (const json& member : info.value("members", json::array())) {
    std::cout << "  user#" << member.value("user_id", int64_t{0}) << "\t"
              << member.value("role", std::string());
    if (member.contains("muted_until")) std::cout << "\tmuted";
    std::cout << "\n";
  }
  if (info.value("has_more", false)) {
    std::cout << "  (more: --after " << info.value("next_after", int64_t{0}) << ")\n";
  }
}

int Report(const Status& status, const std::string& done) {
  if (!status.ok()) return Fail(status);
  std::cout << done << "\n";
  return kExitOk;
}

}  // namespace

int RunGroup(const CliContext& context, const GroupArgs& args) {
  auto authed = AuthedApi(context);
  if (!authed.ok()) return Fail(authed.status());
  client::HttpApi& api = **authed;
  const std::string& verb = args.verb;
  const int64_t g = args.group_id;
  // The single user most verbs act on.
  auto user = [&]() -> Result<int64_t> {
    auto ids = UserIds(api, {args.user});
    if (!ids.ok()) return ids.status();
    return ids->front();
  };

  if (verb == "create") {
    auto ids = UserIds(api, args.users);
    if (!ids.ok()) return Fail(ids.status());
    auto group = api.CreateGroup(args.text, *ids, args.topic, args.is_public);
    if (!group.ok()) return Fail(group.status(), "create");
    PrintGroup(*group);
    return kExitOk;
  }
  if (verb == "join") {
    auto group = api.JoinGroup(args.text);
    if (!group.ok()) return Fail(group.status(), "join");
    PrintGroup(*group);
    return kExitOk;
  }
  if (verb == "find") {
    auto groups = api.PublicGroups(args.text, args.after, 100);
    if (!groups.ok()) return Fail(groups.status(), "find");
    for (const json& found : *groups) {
      std::cout << found.value("id", int64_t{0}) << "\t" << found.value("name", std::string())
                << "\t" << found.value("member_count", int64_t{0}) << " members"
                << (found.value("member", false)      ? "\tmember"
                    : found.value("requested", false) ? "\tasked to join"
                                                      : "")
                << "\n";
    }
    return kExitOk;
  }
  if (verb == "info") {
    auto info = api.GroupInfo(g, args.after, 100);
    if (!info.ok()) return Fail(info.status(), "info");
    PrintGroup(*info);
    return kExitOk;
  }
  if (verb == "add") {
    auto ids = UserIds(api, args.users);
    if (!ids.ok()) return Fail(ids.status());
    return Report(api.AddGroupMembers(g, *ids), "added");
  }
  if (verb == "leave") {
    auto me = api.Account();
    if (!me.ok()) return Fail(me.status(), "whoami");
    return Report(api.RemoveGroupMember(g, (*me)["user"].value("id", int64_t{0})), "left");
  }
  if (verb == "rename") return Report(api.UpdateGroup(g, {{"name", args.text}}), "renamed");
  if (verb == "topic") return Report(api.UpdateGroup(g, {{"topic", args.text}}), "topic set");
  if (verb == "delete") return Report(api.DeleteGroup(g), "deleted");
  if (verb == "request") return Report(api.RequestToJoinGroup(g), "asked to join");
  if (verb == "invite") {
    auto invite = api.CreateGroupInvite(g);
    if (!invite.ok()) return Fail(invite.status(), "invite");
    std::cout << "code " << (*invite)["code"].get<std::string>()
              << " (join with `parley group join CODE`)\n";
    return kExitOk;
  }
  if (verb == "invites") {
    auto invites = api.GroupInvites(g);
    if (!invites.ok()) return Fail(invites.status(), "invites");
    for (const json& i : *invites) {
      std::cout << "code " << i.value("code", std::string()) << "\tuses "
                << i.value("uses", int64_t{0});
      if (i.contains("max_uses")) std::cout << "/" << i["max_uses"].get<int64_t>();
      std::cout << "\n";
    }
    return kExitOk;
  }
  if (verb == "revoke") return Report(api.RevokeGroupInvite(g, args.text), "revoked");
  if (verb == "bans") {
    auto bans = api.GroupBans(g);
    if (!bans.ok()) return Fail(bans.status(), "bans");
    for (const json& b : *bans) std::cout << "user#" << b.value("user_id", int64_t{0}) << "\n";
    return kExitOk;
  }
  if (verb == "requests") {
    auto requests = api.GroupJoinRequests(g);
    if (!requests.ok()) return Fail(requests.status(), "requests");
    for (const json& r : *requests) std::cout << "user#" << r.value("user_id", int64_t{0}) << "\n";
    return kExitOk;
  }
  if (verb == "send") {
    client::WsClient ws;
    if (Status connected = ws.Connect(context.endpoint); !connected.ok()) {
      return Fail(connected, "connect");
    }
    std::vector<client::Cursor> cursors = ToCursorList(LoadCursors(context));
    Result<json> welcome = ws.Hello(api.token(), cursors);
    if (!welcome.ok()) return Fail(welcome.status(), "hello");
    Result<json> ack =
        ws.SendToConversation(g, args.text, client::NewClientId("cli-"), std::chrono::seconds(10));
    if (!ack.ok()) return Fail(ack.status(), "send");
    std::cout << "sent to group " << g << ": seq " << ack->value("seq", int64_t{0}) << "\n";
    ws.Close();
    return kExitOk;
  }
  auto target = user();
  if (!target.ok()) return Fail(target.status());
  if (verb == "remove") return Report(api.RemoveGroupMember(g, *target), "removed");
  if (verb == "role") return Report(api.SetGroupRole(g, *target, args.text), "role set");
  if (verb == "transfer") return Report(api.TransferGroup(g, *target), "ownership transferred");
  if (verb == "approve") return Report(api.AnswerGroupJoinRequest(g, *target, true), "approved");
  if (verb == "reject") return Report(api.AnswerGroupJoinRequest(g, *target, false), "rejected");
  if (verb == "mute") {
    const int64_t until = NowMillis() + args.minutes * 60'000;
    return Report(api.MuteGroupMember(g, *target, until), "muted");
  }
  if (verb == "unmute") return Report(api.MuteGroupMember(g, *target, 0), "unmuted");
  if (verb == "ban") return Report(api.BanFromGroup(g, *target), "banned");
  if (verb == "unban") return Report(api.UnbanFromGroup(g, *target), "unbanned");
  return Fail(Status(Code::kInvalidArgument, "unknown group command " + verb));
}

}  // namespace parley::cli
