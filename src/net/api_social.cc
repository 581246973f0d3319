// The HTTP routes of friends, blocks, profiles and user search (docs/protocol.md, "Friends,
// blocks, profiles and presence"). Every handler runs the blocking chat::Social call on the
// worker pool.
#include "base/clock.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/server_frames.h"
#include "proto/social_frames.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// A user id path segment; anything else names no user.
Result<int64_t> UserIdSegment(const std::string& segment) {
  auto id = ParseInt(segment);
  if (!id || *id <= 0) return Status(Code::kNotFound, "no such user");
  return *id;
}

awaitable<Response> Search(const Request& request, Context& context, const Query& query) {
  Result<TextPage> page = ParseTextPage(query);
  if (!page.ok()) co_return ErrorResponse(request, page.status());
  auto searching = OnWorker(
      context.workers, [&] { return context.social.Search(page->q, page->after, page->limit); });
  auto users = co_await std::move(searching);
  if (!users.ok()) co_return ErrorResponse(request, users.status());
  co_return JsonResponse(request, 200, proto::UsersBody(*users));
}

awaitable<Response> SendRequest(const Request& request, const auth::Principal& me,
                                Context& context) {
  auto body = proto::DecodeFriendRequest(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  auto sending = OnWorker(context.workers, [&] {
    return context.social.SendRequest(me.user.id, body->to, std::move(body->note));
  });
  auto outcome = co_await std::move(sending);
  if (!outcome.ok()) co_return ErrorResponse(request, outcome.status());
  if (outcome->became_friends)
    co_return JsonResponse(request, 200, proto::FriendBody(outcome->added));
  co_return JsonResponse(request, 201, proto::FriendRequestBody(outcome->request));
}

// Routes of one user id: /friends/requests/{id}[/accept|/decline], /friends/{id}, /blocks/{id},
// /users/id/{id}.
awaitable<std::optional<Response>> ByUserId(const Request& request, const Segments& path,
                                            const auth::Principal& me, Context& context) {
  const auto method = request.method();
  chat::Social& social = context.social;
  const int64_t self = me.user.id;
  enum class Op { kNone, kAccept, kDecline, kCancel, kRemove, kBlock, kUnblock, kProfile };
  Op op = Op::kNone;
  std::string segment;
  if (Matches(path, {"api", "v1", "friends", "requests", "*", "accept"}) &&
      method == http::verb::post) {
    op = Op::kAccept;
  } else if (Matches(path, {"api", "v1", "friends", "requests", "*", "decline"}) &&
             method == http::verb::post) {
    op = Op::kDecline;
  } else if (Matches(path, {"api", "v1", "friends", "requests", "*"}) &&
             method == http::verb::delete_) {
    op = Op::kCancel;
  }
  if (op != Op::kNone) segment = path[4];
  if (Matches(path, {"api", "v1", "friends", "*"}) && path[3] != "requests" &&
      method == http::verb::delete_) {
    op = Op::kRemove;
    segment = path[3];
  } else if (Matches(path, {"api", "v1", "blocks", "*"})) {
    if (method == http::verb::put) op = Op::kBlock;
    if (method == http::verb::delete_) op = Op::kUnblock;
    segment = path[3];
  } else if (Matches(path, {"api", "v1", "users", "id", "*"}) && method == http::verb::get) {
    op = Op::kProfile;
    segment = path[4];
  }
  if (op == Op::kNone) co_return std::nullopt;
  auto other = UserIdSegment(segment);
  if (!other.ok()) co_return ErrorResponse(request, other.status());
  const int64_t id = *other;

  if (op == Op::kAccept) {
    auto accepting = OnWorker(context.workers, [&] { return social.Accept(self, id); });
    auto added = co_await std::move(accepting);
    if (!added.ok()) co_return ErrorResponse(request, added.status());
    co_return JsonResponse(request, 200, proto::FriendBody(*added));
  }
  if (op == Op::kProfile) {
    auto reading = OnWorker(context.workers, [&] { return social.Profile(id); });
    auto user = co_await std::move(reading);
    if (!user.ok()) co_return ErrorResponse(request, user.status());
    co_return JsonResponse(request, 200, proto::UserBody(*user));
  }
  auto writing = OnWorker(context.workers, [&]() -> Status {
    switch (op) {
      case Op::kDecline:
        return social.Decline(self, id);
      case Op::kCancel:
        return social.Cancel(self, id);
      case Op::kRemove:
        return social.RemoveFriend(self, id);
      case Op::kBlock:
        return social.Block(self, id);
      default:
        return social.Unblock(self, id);
    }
  });
  Status status = co_await std::move(writing);
  co_return StatusResponse(request, status);
}

}  // namespace

RouteResult HandleSocialApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context, const Query& query) {
  const auto method = request.method();
  chat::Social& social = context.social;
  const int64_t self = me.user.id;
  if (method == http::verb::get && Matches(path, {"api", "v1", "users"})) {
    co_return co_await Search(request, context, query);
  }
  if (method == http::verb::patch && Matches(path, {"api", "v1", "account", "profile"})) {
    auto body = proto::DecodeProfileUpdate(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto updating = OnWorker(context.workers, [&] { return social.UpdateProfile(self, *body); });
    auto user = co_await std::move(updating);
    if (!user.ok()) co_return ErrorResponse(request, user.status());
    auto has_password =
        co_await OnWorker(context.workers, [&] { return context.auth.HasPassword(me.user.id); });
    if (!has_password.ok()) co_return ErrorResponse(request, has_password.status());
    co_return JsonResponse(request, 200, proto::AccountBody(*user, me.device_id, *has_password));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "friends"})) {
    auto reading = OnWorker(context.workers, [&] { return social.Friends(self); });
    auto friends = co_await std::move(reading);
    if (!friends.ok()) co_return ErrorResponse(request, friends.status());
    co_return JsonResponse(request, 200, proto::FriendsBody(*friends));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "friends", "requests"})) {
    auto reading = OnWorker(context.workers, [&] { return social.Requests(self); });
    auto requests = co_await std::move(reading);
    if (!requests.ok()) co_return ErrorResponse(request, requests.status());
    co_return JsonResponse(request, 200, proto::FriendRequestsBody(*requests));
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "friends", "requests"})) {
    co_return co_await SendRequest(request, me, context);
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "blocks"})) {
    auto reading = OnWorker(context.workers, [&] { return social.Blocks(self); });
    auto blocks = co_await std::move(reading);
    if (!blocks.ok()) co_return ErrorResponse(request, blocks.status());
    co_return JsonResponse(request, 200, proto::BlocksBody(*blocks));
  }
  co_return co_await ByUserId(request, path, me, context);
}

}  // namespace parley::net
