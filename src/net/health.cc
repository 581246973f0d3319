#include "net/health.h"

#include <string_view>

#include "net/blocking.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

std::string_view PathOf(const Request& head) {
  const std::string_view target(head.target().data(), head.target().size());
  return target.substr(0, target.find('?'));
}

}  // namespace

bool IsHealthRequest(const Request& head) {
  const std::string_view path = PathOf(head);
  return path == "/healthz" || path == "/readyz";
}

awaitable<Response> AnswerHealth(const Request& head, Context& context) {
  if (head.method() != http::verb::get && head.method() != http::verb::head) {
    co_return ErrorResponse(head, Status(Code::kNotFound, "no such path"));
  }
  if (PathOf(head) == "/healthz") co_return JsonResponse(head, 200, R"({"status":"ok"})");
  if (context.shutting_down) {
    Response response =
        ErrorResponse(head, Status(Code::kUnavailable, "the server is shutting down"));
    response.keep_alive(false);
    co_return response;
  }
  Status ready = Status::Ok();
  if (context.readiness) {
    auto checking = OnWorker(context.workers, [&context] { return context.readiness(); });
    ready = co_await std::move(checking);
  }
  if (!ready.ok()) co_return ErrorResponse(head, ready);
  co_return JsonResponse(head, 200, R"({"status":"ready"})");
}

}  // namespace parley::net
