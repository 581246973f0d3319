#include "net/http_session.h"

#include <atomic>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "net/api.h"
#include "net/api_media.h"
#include "net/client_address.h"
#include "net/health.h"
#include "net/metrics_endpoint.h"
#include "net/request_head.h"
#include "net/request_log.h"
#include "net/upload_chunk.h"
#include "net/upload_slot_http.h"
#include "net/ws_session.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using std::chrono::milliseconds;

namespace {

// How long a connection closed with its last request's body unread goes on reading (and
// throwing away) what the client still sends, so the client reads the answer, not a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerPieceBytes = 16 * 1024;

// A response for a request that could not be read at all (no request to mirror).
Response BareError(const Status& status) {
  Request request;
  request.version(11);
  request.keep_alive(false);
  return ErrorResponse(request, status);
}

// Counts one HTTP request as in flight (read, not yet answered) for as long as it lives.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) { ++count_; }
  ~InFlight() { --count_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& count_;
};

Status StatusOfReadError(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return Status(Code::kTooLarge, "request body too large");
  if (ec == http::error::header_limit) return Status(Code::kTooLarge, "request header too large");
  return Status(Code::kMalformed, "malformed HTTP request");
}

// The connection ended or timed out: there is nobody to answer.
bool QuietEnd(const beast::error_code& ec) {
  // stream_truncated: a TLS client closed the TCP connection without TLS's close_notify.
  return ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated;
}

// A 429 or 503 says when to try again.
void AddRetryHint(http::response_header<>& head) {
  const unsigned status = head.result_int();
  if ((status == 429 || status == 503) && head.find(http::field::retry_after) == head.end()) {
    head.set(http::field::retry_after, std::to_string(kRetryAfterSeconds));
  }
}

// A method as logged: its name when it is one HTTP knows, else "other".
std::string LoggedMethod(http::verb method) {
  if (method == http::verb::unknown) return "other";
  const auto name = http::to_string(method);
  return std::string(name.data(), name.size());
}

// An error answer counts in parley_errors_total under its protocol code.
void CountError(const Response& response, const Context& context) {
  if (context.metrics == nullptr || response.result_int() < 400) return;
  const std::optional<Code> code = proto::ErrorCodeOfBody(response.body());
  if (!code) return;
  context.metrics->errors.With({std::string(CodeName(*code)), "http"}).Add();
}

// Over TLS, browsers are told to use only HTTPS for this host from now on (RFC 6797).
void AddHsts(http::response_header<>& head, const Context& context) {
  if (context.tls == nullptr || context.options.hsts_max_age_s <= 0) return;
  head.set(http::field::strict_transport_security,
           "max-age=" + std::to_string(context.options.hsts_max_age_s));
}

// The connection as a stream: over TLS once the handshake succeeded within
// --header-timeout-ms, plain otherwise. Nothing when the handshake failed (plain HTTP or
// garbage sent to the TLS port, a client that refused the certificate, a timeout): the
// connection is closed without an answer, since there is no channel to write one on.
awaitable<std::optional<tls::Stream>> Secure(asio::ip::tcp::socket socket, Context& context) {
  beast::tcp_stream tcp(std::move(socket));
  if (context.tls == nullptr) co_return tls::Stream(std::move(tcp));
  tls::Stream stream(std::move(tcp), context.tls->Current());
  stream.next_layer().expires_after(milliseconds(context.options.header_timeout_ms));
  beast::error_code ec;
  co_await stream.async_handshake(tls::Side::kServer,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    stream.next_layer().socket().close(ec);
    co_return std::nullopt;
  }
  co_return std::move(stream);
}

// What one request came to.
struct Answer {
  ApiResponse response;
  bool body_unread = false;        // the connection closes after the response
  std::optional<Request> upgrade;  // a WebSocket handshake at /ws: no response, hand over
  bool xmpp = false;               // the handshake is at /xmpp-websocket instead
};

unsigned StatusOf(const Answer& answer) {
  if (const auto* whole = std::get_if<Response>(&answer.response)) return whole->result_int();
  return std::get<FileReply>(answer.response).head.result_int();
}

// Reads the body of a request whose header `header` has read (within `limit` bytes).
awaitable<Request> ReadBody(tls::Stream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                            uint64_t limit, beast::error_code& ec) {
  if (header.get()[http::field::expect] == "100-continue") {
    http::response<http::empty_body> proceed{http::status::continue_, header.get().version()};
    auto writing =
        http::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(writing);
    if (ec) co_return Request{};
  }
  http::request_parser<http::string_body> parser(std::move(header));
  parser.body_limit(limit);
  auto reading =
      http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  co_await std::move(reading);
  co_return parser.release();
}

// A WebSocket handshake, only at /ws (the session checks the token when `hello` comes), and at
// /xmpp-websocket when XMPP is on (Context::xmpp_websocket).
awaitable<Answer> Upgrade(tls::Stream& stream, beast::flat_buffer& buffer, HeaderParser& parser,
                          uint64_t limit, const Context& context, beast::error_code& ec) {
  // A query string is allowed and ignored (docs/protocol.md, "WebSocket").
  const std::string_view target(parser.get().target().data(), parser.get().target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const bool xmpp = path == kXmppWebSocketPath && context.xmpp_websocket;
  if (path != "/ws" && !xmpp) {
    co_return Answer{ErrorResponse(HeadOf(parser), Status(Code::kNotFound, "no such path")), true};
  }
  auto reading = ReadBody(stream, buffer, parser, limit, ec);
  Request request = co_await std::move(reading);
  co_return Answer{Response{}, false, std::move(request), xmpp};
}

// Answers the request whose header `parser` has read: its limit and its caller are checked
// before the body is read. A transport or parse failure sets `ec` instead.
awaitable<Answer> Exchange(tls::Stream& stream, beast::flat_buffer& buffer, HeaderParser& parser,
                           Context& context, const std::optional<IpAddress>& peer,
                           beast::error_code& ec) {
  const Request head = HeadOf(parser);
  const auto method = head.method();
  const std::string_view target(head.target().data(), head.target().size());
  if (IsHealthRequest(head)) {
    // Before the shutdown check: a stopping server says so on /readyz (net/health.h).
    auto answering = AnswerHealth(head, context);
    Response response = co_await std::move(answering);
    co_return Answer{std::move(response), !parser.is_done()};
  }
  if (IsMetricsRequest(head)) {
    auto answering = AnswerMetrics(head, context, /*dedicated=*/false);
    Response response = co_await std::move(answering);
    co_return Answer{std::move(response), !parser.is_done()};
  }
  if (context.shutting_down) {
    // Draining: this connection gets one clear answer and is closed.
    Response response =
        ErrorResponse(head, Status(Code::kUnavailable, "the server is shutting down"));
    response.keep_alive(false);
    co_return Answer{std::move(response), true};
  }
  if (IsUploadSlotRequest(target) && !beast::websocket::is_upgrade(head)) {
    // Capability URLs: the token in the path is the credential (net/upload_slot_http.h).
    auto serving = ServeUploadSlot(stream, buffer, parser, context, ec);
    SlotAnswer answer = co_await std::move(serving);
    co_return Answer{std::move(answer.response), answer.body_unread};
  }
  const bool needs_token = NeedsToken(method, target);
  const bool chunk = needs_token && IsUploadChunk(method, target);
  const uint64_t limit = chunk ? static_cast<uint64_t>(context.media.options().chunk_bytes)
                               : context.options.max_body_bytes;
  if (parser.content_length() && *parser.content_length() > limit) {
    co_return Answer{ErrorResponse(head, Status(Code::kTooLarge, "request body too large")), true};
  }
  if (beast::websocket::is_upgrade(head)) {
    auto upgrading = Upgrade(stream, buffer, parser, limit, context, ec);
    co_return co_await std::move(upgrading);
  }
  std::optional<auth::Principal> me;
  if (needs_token) {
    auto authenticating = AuthenticateCaller(head, context);
    auto caller = co_await std::move(authenticating);
    if (!caller.ok()) co_return Answer{ErrorResponse(head, caller.status()), !parser.is_done()};
    me = std::move(*caller);
  }
  if (chunk) {
    auto receiving = ReceiveUploadChunk(stream, buffer, parser, *me, context, ec);
    ChunkAnswer answer = co_await std::move(receiving);
    co_return Answer{std::move(answer.response), answer.body_unread};
  }
  auto reading = ReadBody(stream, buffer, parser, limit, ec);
  Request request = co_await std::move(reading);
  if (ec) co_return Answer{};
  const std::string client_address = RequestClientKey(peer, head, context.options.proxy_trust);
  auto handling = HandleApi(request, context, client_address, me ? &*me : nullptr);
  ApiResponse response = co_await std::move(handling);
  co_return Answer{std::move(response)};
}

// Writes the answer; returns whether the connection may serve another request.
awaitable<bool> Reply(tls::Stream& stream, Answer& answer, Context& context,
                      const std::string& request_id, beast::error_code& ec) {
  bool keep_alive = false;
  if (auto* whole = std::get_if<Response>(&answer.response)) {
    CountError(*whole, context);
    whole->set("X-Request-Id", request_id);
    AddRetryHint(whole->base());
    AddHsts(whole->base(), context);
    if (answer.body_unread) whole->keep_alive(false);
    keep_alive = whole->keep_alive();
    auto writing = http::async_write(stream, *whole, asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(writing);
  } else {
    FileReply& file = std::get<FileReply>(answer.response);
    file.head.set("X-Request-Id", request_id);
    AddHsts(file.head, context);
    keep_alive = file.keep_alive;
    auto writing = WriteFileReply(stream, file, milliseconds(context.options.http_timeout_ms), ec);
    co_await std::move(writing);
  }
  co_return !ec && keep_alive;
}

// Closes the sending side, then reads and drops what still arrives for a short while.
awaitable<void> Linger(tls::Stream& stream) {
  beast::error_code ec;
  stream.next_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.next_layer().expires_after(kLingerTime);
  std::vector<char> scratch(kLingerPieceBytes);
  while (!ec) {
    auto reading = stream.async_read_some(asio::buffer(scratch),
                                          asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(reading);
  }
}

void StartWebSocket(tls::Stream stream, Request upgrade, Context& context,
                    ConnectionLimiter::Slot slot, std::string session_id) {
  stream.next_layer().expires_never();
  // The session owns the connection's slot: it is given back when the session is destroyed,
  // not when the last weak_ptr to it goes (the Hub's may outlive the Server and its limiter).
  std::shared_ptr<WsSession> session(
      new WsSession(std::move(stream), context, std::move(session_id)),
      [slot = std::optional<ConnectionLimiter::Slot>(std::move(slot))](WsSession* ended) mutable {
        delete ended;
        slot.reset();
      });
  session->Start(std::move(upgrade));
}

}  // namespace

awaitable<void> ServeHttp(asio::ip::tcp::socket socket, Context& context,
                          ConnectionLimiter::Slot slot) {
  beast::error_code ec;
  std::optional<IpAddress> peer;
  if (auto endpoint = socket.remote_endpoint(ec); !ec) peer = endpoint.address();
  auto handshaking = Secure(std::move(socket), context);
  std::optional<tls::Stream> secured = co_await std::move(handshaking);
  if (!secured) co_return;
  tls::Stream& stream = *secured;
  beast::flat_buffer buffer;
  bool linger = false;
  for (;;) {
    HeaderParser parser;
    // The route's limit is applied once the header is read. (Boost 1.74 refuses every body
    // under boost::none, so "no limit" is the largest one.)
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    stream.next_layer().expires_after(milliseconds(context.options.header_timeout_ms));
    auto reading_header = http::async_read_header(stream, buffer, parser,
                                                  asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(reading_header);
    Answer answer;
    std::optional<InFlight> counted;  // from the header read to the answer written
    const std::string request_id = NewRequestId();
    const auto started = std::chrono::steady_clock::now();
    // Taken before Exchange, which moves the parser's message away.
    const std::string method = LoggedMethod(parser.get().method());
    const std::string target(parser.get().target().data(), parser.get().target().size());
    if (!ec) {
      counted.emplace(context.requests_in_flight);
      stream.next_layer().expires_after(milliseconds(context.options.http_timeout_ms));
      auto exchanging = Exchange(stream, buffer, parser, context, peer, ec);
      answer = co_await std::move(exchanging);
    }
    if (ec && QuietEnd(ec)) break;
    if (ec) answer = Answer{BareError(StatusOfReadError(ec)), true};
    if (answer.upgrade && answer.xmpp) {
      WebSocketHandoff handoff{*secured,
                               *answer.upgrade,
                               slot,
                               peer,
                               RequestClientKey(peer, *answer.upgrade, context.options.proxy_trust),
                               request_id};
      const Status taken = context.xmpp_websocket(handoff);
      if (taken.ok()) {
        LogHttpRequest(request_id, method, target, 101, std::chrono::steady_clock::now() - started);
        co_return;
      }
      Response refused = ErrorResponse(*answer.upgrade, taken);
      refused.keep_alive(false);
      answer = Answer{std::move(refused)};
    }
    if (answer.upgrade) {
      LogHttpRequest(request_id, method, target, 101, std::chrono::steady_clock::now() - started);
      StartWebSocket(std::move(*secured), std::move(*answer.upgrade), context, std::move(slot),
                     request_id);
      co_return;
    }
    auto replying = Reply(stream, answer, context, request_id, ec);
    const bool more = co_await std::move(replying);
    LogHttpRequest(request_id, method, target, StatusOf(answer),
                   std::chrono::steady_clock::now() - started);
    linger = answer.body_unread && !ec;
    if (!more) break;
  }
  if (linger) {
    auto lingering = Linger(stream);
    co_await std::move(lingering);
  } else {
    stream.next_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  }
}

void RefuseConnection(asio::ip::tcp::socket socket) {
  Request request;
  request.version(11);
  request.keep_alive(false);
  Response response =
      ErrorResponse(request, Status(Code::kUnavailable, "too many connections; retry later"));
  AddRetryHint(response.base());
  std::ostringstream out;
  out << response;
  const std::string bytes = out.str();
  // A new socket's send buffer has room for this: the write never waits.
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(bytes), ignored);
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

}  // namespace parley::net
