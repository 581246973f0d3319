// The group routes of the HTTP API (docs/protocol.md, "Groups"): /api/v1/groups/... .
// Every route decodes its body (proto/group_bodies.h), runs one blocking chat::Groups call on
// the worker pool and encodes the outcome; the rules live in chat/groups/groups.h.
#include "net/api_groups.h"

#include "net/blocking.h"
#include "proto/group_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

constexpr int kDefaultMembersPage = 100;

Status NoSuchGroup() { return Status(Code::kNotFound, "no such group"); }

// Runs a change (a Status-returning callable) on the worker pool; 204 when it succeeds.
template <typename F>
awaitable<Response> Change(const Request& request, Context& context, F& change) {
  auto work = OnWorker(context.workers, [&change] { return change(); });
  Status status = co_await std::move(work);
  co_return StatusResponse(request, status);
}

// after= and limit= of a members page.
Result<std::pair<int64_t, int>> MembersPage(const Query& query) {
  int64_t after = 0;
  int limit = kDefaultMembersPage;
  for (const auto& [key, value] : query) {
    auto number = ParseInt(value);
    if (!number) return Status(Code::kMalformed, key + " must be an integer");
    if (key == "after") after = *number;
    if (key == "limit") limit = *number < 0 || *number > INT32_MAX ? -1 : static_cast<int>(*number);
  }
  return std::pair<int64_t, int>(after, limit);
}

awaitable<Response> CreateGroup(const Request& request, const auth::Principal& me,
                                Context& context) {
  auto body = proto::DecodeNewGroup(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  auto work = OnWorker(context.workers,
                       [&] { return context.groups.Create(me.user.id, std::move(*body)); });
  auto group = co_await std::move(work);
  if (!group.ok()) co_return ErrorResponse(request, group.status());
  co_return JsonResponse(request, 201, proto::GroupBody(*group, store::Role::kOwner));
}

awaitable<Response> JoinByCode(const Request& request, const auth::Principal& me,
                               Context& context) {
  auto code = proto::DecodeJoin(request.body());
  if (!code.ok()) co_return ErrorResponse(request, code.status());
  auto work =
      OnWorker(context.workers, [&] { return context.groups.JoinByCode(me.user.id, *code); });
  auto group = co_await std::move(work);
  if (!group.ok()) co_return ErrorResponse(request, group.status());
  co_return JsonResponse(request, 200, proto::GroupBody(*group, store::Role::kMember));
}

awaitable<Response> Info(const Request& request, const auth::Principal& me, Context& context,
                         const Query& query, int64_t id, bool members_only) {
  auto page = MembersPage(query);
  if (!page.ok()) co_return ErrorResponse(request, page.status());
  auto work = OnWorker(context.workers, [&] {
    return context.groups.Info(me.user.id, id, page->first, page->second);
  });
  auto info = co_await std::move(work);
  if (!info.ok()) co_return ErrorResponse(request, info.status());
  co_return JsonResponse(request, 200,
                         members_only ? proto::MembersBody(*info) : proto::GroupInfoBody(*info));
}

awaitable<Response> CreateInvite(const Request& request, const auth::Principal& me,
                                 Context& context, int64_t id) {
  auto wanted = proto::DecodeInvite(request.body());
  if (!wanted.ok()) co_return ErrorResponse(request, wanted.status());
  auto work = OnWorker(context.workers,
                       [&] { return context.groups.CreateInvite(me.user.id, id, *wanted); });
  auto invite = co_await std::move(work);
  if (!invite.ok()) co_return ErrorResponse(request, invite.status());
  co_return JsonResponse(request, 201, proto::InviteBody(*invite));
}

// GET /groups/{id}/invites and /groups/{id}/bans: owner and admins.
awaitable<Response> ListInvites(const Request& request, const auth::Principal& me, Context& context,
                                int64_t id) {
  auto work = OnWorker(context.workers, [&] { return context.groups.Invites(me.user.id, id); });
  auto invites = co_await std::move(work);
  if (!invites.ok()) co_return ErrorResponse(request, invites.status());
  co_return JsonResponse(request, 200, proto::InvitesBody(*invites));
}

awaitable<Response> ListBans(const Request& request, const auth::Principal& me, Context& context,
                             int64_t id) {
  auto work = OnWorker(context.workers, [&] { return context.groups.Bans(me.user.id, id); });
  auto bans = co_await std::move(work);
  if (!bans.ok()) co_return ErrorResponse(request, bans.status());
  co_return JsonResponse(request, 200, proto::BansBody(*bans));
}

awaitable<Response> ListRequests(const Request& request, const auth::Principal& me,
                                 Context& context, int64_t id) {
  auto work =
      OnWorker(context.workers, [&] { return context.groups.JoinRequests(me.user.id, id); });
  auto requests = co_await std::move(work);
  if (!requests.ok()) co_return ErrorResponse(request, requests.status());
  co_return JsonResponse(request, 200, proto::JoinRequestsBody(*requests));
}

// Routes under /api/v1/groups/{id}/members/{user}.
awaitable<Response> MemberRoute(const Request& request, const Segments& path,
                                const auth::Principal& me, Context& context, int64_t id) {
  const auto method = request.method();
  chat::Groups& groups = context.groups;
  const int64_t actor = me.user.id;
  auto user = ParseInt(path[5]);
  if (!user) co_return ErrorResponse(request, Status(Code::kNotFound, "no such member"));
  if (path.size() == 6 && method == http::verb::delete_) {
    auto change = [&] { return groups.RemoveMember(actor, id, *user); };
    co_return co_await Change(request, context, change);
  }
  if (path.size() == 7 && path[6] == "role" && method == http::verb::put) {
    auto role = proto::DecodeRole(request.body());
    if (!role.ok()) co_return ErrorResponse(request, role.status());
    auto change = [&] { return groups.SetRole(actor, id, *user, *role); };
    co_return co_await Change(request, context, change);
  }
  if (path.size() == 7 && path[6] == "mute" && method == http::verb::put) {
    auto until = proto::DecodeMute(request.body());
    if (!until.ok()) co_return ErrorResponse(request, until.status());
    if (*until <= 0) {
      co_return ErrorResponse(request, Status(Code::kInvalidArgument, "until must be positive"));
    }
    auto change = [&] { return groups.Mute(actor, id, *user, *until); };
    co_return co_await Change(request, context, change);
  }
  if (path.size() == 7 && path[6] == "mute" && method == http::verb::delete_) {
    auto change = [&] { return groups.Mute(actor, id, *user, 0); };
    co_return co_await Change(request, context, change);
  }
  co_return ErrorResponse(request, Status(Code::kNotFound, "no such endpoint"));
}

// Routes under /api/v1/groups/{id}.
awaitable<Response> GroupRoute(const Request& request, const Segments& path,
                               const auth::Principal& me, Context& context, const Query& query) {
  const auto method = request.method();
  chat::Groups& groups = context.groups;
  const int64_t actor = me.user.id;
  auto parsed = ParseInt(path[3]);
  if (!parsed) co_return ErrorResponse(request, NoSuchGroup());
  const int64_t id = *parsed;
  const std::string_view sub = path.size() > 4 ? std::string_view(path[4]) : std::string_view();

  if (path.size() == 4) {
    if (method == http::verb::get) co_return co_await Info(request, me, context, query, id, false);
    if (method == http::verb::patch) {
      auto patch = proto::DecodeGroupPatch(request.body());
      if (!patch.ok()) co_return ErrorResponse(request, patch.status());
      auto change = [&] { return groups.Update(actor, id, std::move(*patch)); };
      co_return co_await Change(request, context, change);
    }
    if (method == http::verb::delete_) {
      auto change = [&] { return groups.Delete(actor, id); };
      co_return co_await Change(request, context, change);
    }
  } else if (sub == "members" && path.size() == 5) {
    if (method == http::verb::get) co_return co_await Info(request, me, context, query, id, true);
    if (method == http::verb::post) {
      auto users = proto::DecodeUsers(request.body());
      if (!users.ok()) co_return ErrorResponse(request, users.status());
      auto change = [&] { return groups.AddMembers(actor, id, std::move(*users)); };
      co_return co_await Change(request, context, change);
    }
  } else if (sub == "members") {
    co_return co_await MemberRoute(request, path, me, context, id);
  } else if (sub == "owner" && path.size() == 5 && method == http::verb::post) {
    auto user = proto::DecodeUser(request.body());
    if (!user.ok()) co_return ErrorResponse(request, user.status());
    auto change = [&] { return groups.Transfer(actor, id, *user); };
    co_return co_await Change(request, context, change);
  } else if (sub == "invites" && path.size() == 5) {
    if (method == http::verb::post) co_return co_await CreateInvite(request, me, context, id);
    if (method == http::verb::get) co_return co_await ListInvites(request, me, context, id);
  } else if (sub == "invites" && path.size() == 6 && method == http::verb::delete_) {
    const std::string code = path[5];
    auto change = [&] { return groups.RevokeInvite(actor, id, code); };
    co_return co_await Change(request, context, change);
  } else if (sub == "bans" && path.size() == 5 && method == http::verb::get) {
    co_return co_await ListBans(request, me, context, id);
  } else if (sub == "bans" && path.size() == 6) {
    auto user = ParseInt(path[5]);
    if (!user) co_return ErrorResponse(request, Status(Code::kNotFound, "no such user"));
    if (method == http::verb::put) {
      auto change = [&] { return groups.Ban(actor, id, *user); };
      co_return co_await Change(request, context, change);
    }
    if (method == http::verb::delete_) {
      auto change = [&] { return groups.Unban(actor, id, *user); };
      co_return co_await Change(request, context, change);
    }
  } else if (sub == "requests" && path.size() == 5) {
    if (method == http::verb::get) co_return co_await ListRequests(request, me, context, id);
    if (method == http::verb::post) {
      auto change = [&] { return groups.RequestJoin(actor, id); };
      co_return co_await Change(request, context, change);
    }
  } else if (sub == "requests" && path.size() == 6) {
    auto user = ParseInt(path[5]);
    if (!user) co_return ErrorResponse(request, Status(Code::kNotFound, "no such join request"));
    if (method == http::verb::post || method == http::verb::delete_) {
      const bool approve = method == http::verb::post;
      auto change = [&] { return groups.AnswerJoinRequest(actor, id, *user, approve); };
      co_return co_await Change(request, context, change);
    }
  }
  co_return ErrorResponse(request, Status(Code::kNotFound, "no such endpoint"));
}

}  // namespace

RouteResult HandleGroupApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context, const Query& query) {
  if (path.size() < 3 || path[0] != "api" || path[1] != "v1" || path[2] != "groups") {
    co_return std::nullopt;
  }
  const auto method = request.method();
  if (path.size() == 3 && method == http::verb::post) {
    co_return co_await CreateGroup(request, me, context);
  }
  if (Matches(path, {"api", "v1", "groups", "join"}) && method == http::verb::post) {
    co_return co_await JoinByCode(request, me, context);
  }
  if (Matches(path, {"api", "v1", "groups", "public"}) && method == http::verb::get) {
    Result<TextPage> page = ParseTextPage(query);
    if (!page.ok()) co_return ErrorResponse(request, page.status());
    auto reading = OnWorker(context.workers, [&] {
      return context.groups.Directory(me.user.id, page->q, page->after, page->limit);
    });
    auto groups = co_await std::move(reading);
    if (!groups.ok()) co_return ErrorResponse(request, groups.status());
    co_return JsonResponse(request, 200, proto::PublicGroupsBody(*groups));
  }
  if (path.size() >= 4) co_return co_await GroupRoute(request, path, me, context, query);
  co_return ErrorResponse(request, Status(Code::kNotFound, "no such endpoint"));
}

}  // namespace parley::net
