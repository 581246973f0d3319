// The HTTP routes of moments (docs/protocol.md, "Moments"):
//   POST   /api/v1/moments                          post: {"text", "media", "location", "audience"}
//   GET    /api/v1/moments?before=&limit=           the caller's feed, newest first
//   GET    /api/v1/moments/users/{id}?before=&limit= one author's moments the caller sees
//   GET    /api/v1/moments/{id}                     one moment
//   DELETE /api/v1/moments/{id}                     the author deletes it
//   PUT    /api/v1/moments/{id}/audience            {"mode", "users"}: the author changes it
//   PUT    /api/v1/moments/{id}/like                like; DELETE unlikes
//   POST   /api/v1/moments/{id}/comments            {"text", "reply_to"?}
//   DELETE /api/v1/moments/{id}/comments/{comment}
// Every handler runs the blocking chat::Moments call on the worker pool.
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/moment_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// An id path segment; anything else names nothing (`missing`).
Result<int64_t> IdSegment(const std::string& segment, std::string_view missing) {
  auto id = ParseInt(segment);
  if (!id || *id <= 0) return Status(Code::kNotFound, std::string(missing));
  return *id;
}

Result<chat::MomentPageQuery> PageQuery(const Query& query) {
  chat::MomentPageQuery page;
  for (const auto& [key, value] : query) {
    if (key != "before" && key != "limit") continue;
    auto number = ParseInt(value);
    if (!number) return Status(Code::kMalformed, key + " must be an integer");
    if (key == "before") {
      if (*number < 0) return Status(Code::kMalformed, "before must be a moment id");
      page.before = *number;
    } else {
      page.limit = *number < 0 || *number > INT32_MAX ? -1 : static_cast<int>(*number);
    }
  }
  return page;
}

// GET /moments and GET /moments/users/{id}.
awaitable<Response> Page(const Request& request, Context& context, int64_t me,
                         std::optional<int64_t> author, const Query& query) {
  auto page_query = PageQuery(query);
  if (!page_query.ok()) co_return ErrorResponse(request, page_query.status());
  auto reading = OnWorker(context.workers, [&] {
    return author ? context.moments.ByAuthor(me, *author, *page_query)
                  : context.moments.Feed(me, *page_query);
  });
  auto page = co_await std::move(reading);
  if (!page.ok()) co_return ErrorResponse(request, page.status());
  co_return JsonResponse(request, 200, proto::MomentPageBody(*page));
}

awaitable<Response> Post(const Request& request, Context& context, int64_t me) {
  auto draft = proto::DecodeMomentPost(request.body());
  if (!draft.ok()) co_return ErrorResponse(request, draft.status());
  auto posting =
      OnWorker(context.workers, [&] { return context.moments.Post(me, std::move(*draft)); });
  auto view = co_await std::move(posting);
  if (!view.ok()) co_return ErrorResponse(request, view.status());
  co_return JsonResponse(request, 201, proto::MomentBody(*view));
}

// Routes under /moments/{id}.
awaitable<std::optional<Response>> OneMoment(const Request& request, const Segments& path,
                                             Context& context, int64_t me) {
  const auto method = request.method();
  chat::Moments& moments = context.moments;
  auto id = IdSegment(path[3], "no such moment");
  if (!id.ok()) co_return ErrorResponse(request, id.status());
  const int64_t moment_id = *id;
  if (path.size() == 4 && method == http::verb::get) {
    auto view = co_await OnWorker(context.workers, [&] { return moments.Get(me, moment_id); });
    if (!view.ok()) co_return ErrorResponse(request, view.status());
    co_return JsonResponse(request, 200, proto::MomentBody(*view));
  }
  if (path.size() == 4 && method == http::verb::delete_) {
    Status s = co_await OnWorker(context.workers, [&] { return moments.Delete(me, moment_id); });
    co_return StatusResponse(request, s);
  }
  if (Matches(path, {"api", "v1", "moments", "*", "audience"}) && method == http::verb::put) {
    auto body = proto::DecodeAudience(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto view = co_await OnWorker(context.workers, [&] {
      return moments.SetAudience(me, moment_id, body->audience, std::move(body->users));
    });
    if (!view.ok()) co_return ErrorResponse(request, view.status());
    co_return JsonResponse(request, 200, proto::MomentBody(*view));
  }
  if (Matches(path, {"api", "v1", "moments", "*", "like"}) &&
      (method == http::verb::put || method == http::verb::delete_)) {
    const bool on = method == http::verb::put;
    Status s = co_await OnWorker(context.workers, [&] { return moments.Like(me, moment_id, on); });
    co_return StatusResponse(request, s);
  }
  if (Matches(path, {"api", "v1", "moments", "*", "comments"}) && method == http::verb::post) {
    auto body = proto::DecodeComment(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto comment = co_await OnWorker(context.workers, [&] {
      return moments.Comment(me, moment_id, std::move(body->text), body->reply_to);
    });
    if (!comment.ok()) co_return ErrorResponse(request, comment.status());
    co_return JsonResponse(request, 201, proto::CommentBody(*comment));
  }
  if (Matches(path, {"api", "v1", "moments", "*", "comments", "*"}) &&
      method == http::verb::delete_) {
    auto comment_id = IdSegment(path[5], "no such comment");
    if (!comment_id.ok()) co_return ErrorResponse(request, comment_id.status());
    Status s = co_await OnWorker(context.workers,
                                 [&] { return moments.DeleteComment(me, moment_id, *comment_id); });
    co_return StatusResponse(request, s);
  }
  co_return std::nullopt;
}

}  // namespace

RouteResult HandleMomentsApi(const Request& request, const Segments& path,
                             const auth::Principal& me, Context& context, const Query& query) {
  const auto method = request.method();
  const int64_t self = me.user.id;
  if (Matches(path, {"api", "v1", "moments"})) {
    if (method == http::verb::get) co_return co_await Page(request, context, self, {}, query);
    if (method == http::verb::post) co_return co_await Post(request, context, self);
    co_return std::nullopt;
  }
  if (Matches(path, {"api", "v1", "moments", "users", "*"}) && method == http::verb::get) {
    auto author = IdSegment(path[4], "no such user");
    if (!author.ok()) co_return ErrorResponse(request, author.status());
    co_return co_await Page(request, context, self, *author, query);
  }
  if (path.size() >= 4 && path[3] != "users") {
    co_return co_await OneMoment(request, path, context, self);
  }
  co_return std::nullopt;
}

}  // namespace parley::net
