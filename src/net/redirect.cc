#include "net/redirect.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "base/plain_host.h"
#include "net/http_util.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr uint32_t kMaxRedirectHeaderBytes = 8 * 1024;
constexpr auto kRedirectLingerTime = std::chrono::seconds(2);
}  // namespace

std::optional<std::string> HttpsLocation(std::string_view host, std::string_view target,
                                         uint16_t https_port) {
  if (!IsPlainHost(host) || target.empty() || target.front() != '/' ||
      target.find_first_of(" \t\r\n") != std::string_view::npos) {
    return std::nullopt;
  }
  const bool bracketed = host.front() == '[';
  const std::string_view name =
      bracketed ? host.substr(0, host.find(']') + 1) : host.substr(0, host.find(':'));
  std::string location = "https://" + std::string(name);
  if (https_port != 443) location += ":" + std::to_string(https_port);
  location += target;
  return location;
}

asio::awaitable<void> ServeRedirect(asio::ip::tcp::socket socket, uint16_t https_port,
                                    int header_timeout_ms, ConnectionLimiter::Slot slot) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kMaxRedirectHeaderBytes);
  beast::error_code ec;
  stream.expires_after(std::chrono::milliseconds(header_timeout_ms));
  co_await http::async_read_header(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    stream.socket().close(ec);
    co_return;
  }
  const auto& request = parser.get();
  const auto host = request[http::field::host];
  const auto location =
      HttpsLocation(std::string_view(host.data(), host.size()),
                    std::string_view(request.target().data(), request.target().size()), https_port);
  http::response<http::string_body> response;
  response.version(11);
  if (location) {
    response.result(http::status::permanent_redirect);
    response.set(http::field::location, *location);
  } else {
    response.result(http::status::bad_request);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "a Host header and an origin-form target are needed\n";
  }
  SetSecurityHeaders(response.base(), Policy::kInert);
  response.keep_alive(false);
  response.prepare_payload();
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  // Reads and drops what the client still sends (a body) for a moment, so that closing does
  // not reset the connection before the client read the answer.
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(kRedirectLingerTime);
  char scratch[4096];
  while (!ec) {
    co_await stream.async_read_some(asio::buffer(scratch),
                                    asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace parley::net
