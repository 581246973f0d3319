// parley search | friends | requests | befriend | accept | decline | cancel | unfriend |
//        block | unblock | blocks
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"

namespace parley::cli {

using nlohmann::json;

namespace {

std::string Describe(const json& user) {
  std::string text = user.value("username", std::string()) + " (id " +
                     std::to_string(user.value("id", int64_t{0})) + ", \"" +
                     user.value("display_name", std::string()) + "\")";
  const std::string status_line = user.value("status_line", std::string());
  if (!status_line.empty()) text += " - " + status_line;
  return text;
}

}  // namespace

int RunSearch(const CliContext& context, const std::string& query) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> users = (*api)->SearchUsers(query, 0, 50);
  if (!users.ok()) return Fail(users.status(), "search");
  for (const json& user : *users) std::cout << Describe(user) << "\n";
  return kExitOk;
}

int RunFriends(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> friends = (*api)->Friends();
  if (!friends.ok()) return Fail(friends.status(), "friends");
  for (const json& f : *friends) {
    const json& presence = f.value("presence", json::object());
    std::cout << Describe(f.value("user", json::object())) << "\t"
              << presence.value("status", std::string());
    if (presence.value("status", std::string()) == "offline") {
      std::cout << ", last seen " << FormatDateTime(presence.value("last_seen_at", int64_t{0}));
    }
    std::cout << "\n";
  }
  return kExitOk;
}

int RunRequests(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> requests = (*api)->FriendRequests();
  if (!requests.ok()) return Fail(requests.status(), "requests");
  UserNames names;
  for (const char* direction : {"incoming", "outgoing"}) {
    for (const json& r : requests->value(direction, json::array())) {
      const bool incoming = std::string_view(direction) == "incoming";
      const int64_t other = r.value(incoming ? "from_id" : "to_id", int64_t{0});
      if (Result<json> user = (*api)->UserById(other); user.ok()) {
        names.Add(other, user->value("username", std::string()));
      }
      std::cout << (incoming ? "from " : "to ") << names.NameOf(other) << "\t"
                << FormatDateTime(r.value("created_at", int64_t{0}));
      const std::string note = r.value("note", std::string());
      if (!note.empty()) std::cout << "\t\"" << note << "\"";
      std::cout << "\n";
    }
  }
  return kExitOk;
}

int RunBlocks(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> blocks = (*api)->Blocks();
  if (!blocks.ok()) return Fail(blocks.status(), "blocks");
  for (const json& b : *blocks) std::cout << Describe(b.value("user", json::object())) << "\n";
  return kExitOk;
}

int RunFriendAction(const CliContext& context, const std::string& action,
                    const std::string& username, const std::string& note) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  client::HttpApi& http = **api;
  Result<client::User> user = http.LookupUser(username);
  if (!user.ok()) return Fail(user.status(), username);
  const int64_t id = user->id;
  Status status;
  std::string done;
  if (action == "befriend") {
    Result<json> reply = http.SendFriendRequest(id, note);
    status = reply.ok() ? Status::Ok() : reply.status();
    done =
        reply.ok() && reply->contains("friend") ? "now friends with " : "friend request sent to ";
  } else if (action == "accept") {
    Result<json> reply = http.AcceptFriendRequest(id);
    status = reply.ok() ? Status::Ok() : reply.status();
    done = "now friends with ";
  } else if (action == "decline") {
    status = http.DeclineFriendRequest(id);
    done = "declined the request of ";
  } else if (action == "cancel") {
    status = http.CancelFriendRequest(id);
    done = "cancelled the request to ";
  } else if (action == "unfriend") {
    status = http.RemoveFriend(id);
    done = "no longer friends with ";
  } else if (action == "block") {
    status = http.Block(id);
    done = "blocked ";
  } else {
    status = http.Unblock(id);
    done = "unblocked ";
  }
  if (!status.ok()) return Fail(status, action);
  std::cout << done << user->username << "\n";
  return kExitOk;
}

}  // namespace parley::cli
