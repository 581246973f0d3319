#include "net/metrics_endpoint.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string_view>

#include "net/blocking.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;

namespace {

constexpr uint32_t kMaxMetricsHeaderBytes = 8 * 1024;

bool SameSecret(std::string_view given, std::string_view expected) {
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

}  // namespace

bool IsMetricsRequest(const Request& head) {
  const std::string_view target(head.target().data(), head.target().size());
  return target.substr(0, target.find('?')) == "/metrics";
}

awaitable<Response> AnswerMetrics(const Request& head, Context& context, bool dedicated) {
  const std::string& token = context.options.metrics_token;
  if (context.metrics_registry == nullptr || (!dedicated && token.empty()) ||
      (head.method() != http::verb::get && head.method() != http::verb::head)) {
    co_return ErrorResponse(head, Status(Code::kNotFound, "no such path"));
  }
  if (!token.empty() && !SameSecret(BearerToken(head), token)) {
    Response refused =
        ErrorResponse(head, Status(Code::kUnauthenticated, "missing or wrong metrics token"));
    refused.set(http::field::www_authenticate, "Bearer");
    co_return refused;
  }
  auto rendering =
      OnWorker(context.workers, [&context] { return context.metrics_registry->Exposition(); });
  std::string text = co_await std::move(rendering);
  Response response{http::status::ok, head.version()};
  response.set(http::field::server, "parleyd");
  response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  SetSecurityHeaders(response.base(), Policy::kInert);
  response.keep_alive(head.keep_alive());
  response.body() = std::move(text);
  response.prepare_payload();
  if (head.method() == http::verb::head) response.body().clear();
  co_return response;
}

awaitable<void> ServeMetricsConnection(asio::ip::tcp::socket socket, Context& context,
                                       ConnectionLimiter::Slot slot) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kMaxMetricsHeaderBytes);
  beast::error_code ec;
  stream.expires_after(std::chrono::milliseconds(context.options.header_timeout_ms));
  auto reading = http::async_read_header(stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
  co_await std::move(reading);
  if (ec) {
    stream.socket().close(ec);
    co_return;
  }
  Request head;
  head.base() = parser.get().base();
  head.keep_alive(false);
  Response response;
  if (IsMetricsRequest(head)) {
    auto answering = AnswerMetrics(head, context, /*dedicated=*/true);
    response = co_await std::move(answering);
  } else {
    response = ErrorResponse(head, Status(Code::kNotFound, "only /metrics is served here"));
  }
  response.keep_alive(false);
  stream.expires_after(std::chrono::milliseconds(context.options.http_timeout_ms));
  auto writing = http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_await std::move(writing);
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace parley::net
