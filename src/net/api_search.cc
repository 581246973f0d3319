// The HTTP route of message search (docs/protocol.md, "Search"): GET /api/v1/search.
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/search_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// The query parameters as a store query; unknown parameters are ignored.
Result<store::SearchQuery> DecodeSearch(const Query& query) {
  store::SearchQuery search;
  for (const auto& [key, value] : query) {
    if (key == "q") {
      search.text = value;
    } else if (key == "before") {
      auto position = proto::DecodeSearchCursor(value);
      if (!position.ok()) return position.status();
      search.before = *position;
    } else if (key == "conversation_id" || key == "limit") {
      auto number = ParseInt(value);
      if (!number) return Status(Code::kMalformed, key + " must be an integer");
      if (key == "limit") {
        search.limit = *number < 0 || *number > INT32_MAX ? -1 : static_cast<int>(*number);
      } else if (*number <= 0) {
        return Status(Code::kNotFound, "no such conversation");
      } else {
        search.conversation_id = *number;
      }
    }
  }
  return search;
}

}  // namespace

RouteResult HandleSearchApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context, const Query& query) {
  if (request.method() != http::verb::get || !Matches(path, {"api", "v1", "search"})) {
    co_return std::nullopt;
  }
  auto search = DecodeSearch(query);
  if (!search.ok()) co_return ErrorResponse(request, search.status());
  auto searching =
      OnWorker(context.workers, [&] { return context.chat.Search(me.user.id, *search); });
  auto page = co_await std::move(searching);
  if (!page.ok()) co_return ErrorResponse(request, page.status());
  co_return JsonResponse(request, 200, proto::SearchBody(*page));
}

}  // namespace parley::net
