#include "client/http_api.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

#include "client/reply.h"
#include "client/wire_codes.h"
#include "tls/stream.h"

namespace parley::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;
using error_code = boost::system::error_code;

namespace {
// The largest response body read (media downloads in tests and tools).
constexpr uint64_t kMaxResponseBytes = 256ull << 20;
}  // namespace

// One kept-alive connection (TCP, or TLS for https://), driven by a private io_context so
// every call can time out.
struct HttpApi::Transport {
  asio::io_context io{1};
  std::optional<tls::Stream> stream;
  beast::flat_buffer buffer;
  bool connected = false;

  Status Connect(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
    Close();
    auto fail = [&](std::string_view what, const error_code& ec) {
      Close();
      return Status(Code::kUnavailable,
                    std::string(what) + " " + endpoint.HostHeader() + ": " + ec.message());
    };
    error_code ec;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
    if (ec) return fail("cannot connect to", ec);
    beast::tcp_stream tcp(io);
    tcp.expires_after(timeout);
    tcp.async_connect(results, [&ec](error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    if (ec) return fail("cannot connect to", ec);
    tcp.socket().set_option(tcp::no_delay(true), ec);
    if (!endpoint.tls) {
      stream.emplace(std::move(tcp));
      connected = true;
      return Status::Ok();
    }
    auto context = endpoint.TlsContext();
    if (!context.ok()) return context.status();
    stream.emplace(std::move(tcp), std::move(*context));
    if (Status s = stream->ExpectServerName(endpoint.host); !s.ok()) return s;
    stream->async_handshake(tls::Side::kClient, [&ec](error_code e, size_t) { ec = e; });
    Run();
    if (ec) return fail("TLS handshake failed with", ec);
    connected = true;
    return Status::Ok();
  }

  error_code Exchange(http::request<http::string_body>& request,
                      http::response_parser<http::string_body>& response,
                      std::chrono::milliseconds timeout) {
    error_code ec;
    stream->next_layer().expires_after(timeout);
    http::async_write(*stream, request, [&](error_code e, size_t) {
      ec = e;
      if (e) return;
      http::async_read(*stream, buffer, response, [&ec](error_code e, size_t) { ec = e; });
    });
    Run();
    return ec;
  }

  void Run() {
    io.restart();
    io.run();
  }

  void Close() {
    if (stream) {
      error_code ignored;
      stream->next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->next_layer().close();
      stream.reset();
    }
    buffer.clear();
    connected = false;
  }
};

HttpApi::HttpApi(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)),
      timeout_(timeout),
      transport_(std::make_unique<Transport>()) {}

HttpApi::~HttpApi() = default;

Result<HttpResponse> HttpApi::Request(std::string_view method, std::string_view target,
                                      std::optional<std::string> body, const HttpHeaders& headers) {
  http::request<http::string_body> request(
      http::string_to_verb(beast::string_view(method.data(), method.size())), std::string(target),
      11);
  request.set(http::field::host, endpoint_.HostHeader());
  request.set(http::field::user_agent, "parley-client/1");
  request.keep_alive(true);
  if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
  if (body) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(*body);
  }
  for (const auto& [name, value] : headers) request.set(name, value);
  request.prepare_payload();

  std::optional<http::response_parser<http::string_body>> parser;
  // A reused connection may have been closed by the server meanwhile: reconnect once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = transport_->connected;
    if (!reused) {
      if (Status connected = transport_->Connect(endpoint_, timeout_); !connected.ok()) {
        return connected;
      }
    }
    parser.emplace();
    parser->body_limit(kMaxResponseBytes);
    parser->skip(request.method() == http::verb::head);  // a HEAD reply has no body
    error_code ec = transport_->Exchange(request, *parser, timeout_);
    if (!ec) break;
    transport_->Close();
    if (!reused || attempt == 1) {
      return Status(Code::kUnavailable, "HTTP request failed: " + ec.message());
    }
  }
  http::response<http::string_body> response = parser->release();
  if (!response.keep_alive()) transport_->Close();

  HttpResponse result;
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  result.status = static_cast<int>(response.result_int());
  result.raw_body = std::move(response.body());
  result.body = json::parse(result.raw_body, nullptr, /*allow_exceptions=*/false);
  if (result.body.is_discarded()) result.body = nullptr;
  return result;
}

Result<json> HttpApi::Call(std::string_view method, std::string_view target,
                           std::optional<json> body) {
  std::optional<std::string> text;
  if (body) text = body->dump(-1, ' ', false, json::error_handler_t::replace);
  Result<HttpResponse> response =
      Request(method, std::string("/api/v1") + std::string(target), std::move(text));
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status >= 300) {
    return StatusFromHttpError(response->status, response->body);
  }
  return std::move(response->body);
}

namespace {

// Converts a reply's fields, turning a reply of the wrong shape into kInternal.
template <typename T, typename Fn>
Result<T> Decode(const Result<json>& reply, Fn&& fn) {
  if (!reply.ok()) return reply.status();
  try {
    return fn(*reply);
  } catch (const json::exception& e) {
    return Status(Code::kInternal, std::string("unexpected server reply: ") + e.what());
  }
}

User UserFrom(const json& user) {
  return User{user.at("id").get<int64_t>(), user.at("username").get<std::string>(),
              user.value("display_name", std::string())};
}

using reply::StatusOf;

// The body of a login that opened a session (POST /sessions, /sessions/second-factor).
LoginResult LoginFrom(const json& reply) {
  return LoginResult{"", reply.at("token").get<std::string>(), reply.at("device_id").get<int64_t>(),
                     reply.value("expires_at", int64_t{0}), UserFrom(reply.at("user"))};
}

}  // namespace

Result<User> HttpApi::Register(std::string_view username, std::string_view password,
                               std::string_view display_name) {
  json body = {{"username", username}, {"password", password}};
  if (!display_name.empty()) body["display_name"] = display_name;
  return Decode<User>(Call("POST", "/accounts", body),
                      [](const json& reply) { return UserFrom(reply.at("user")); });
}

Result<LoginResult> HttpApi::Login(std::string_view username, std::string_view password,
                                   std::string_view device) {
  json body = {{"username", username}, {"password", password}, {"device", device}};
  Result<LoginResult> login =
      Decode<LoginResult>(Call("POST", "/sessions", body), [](const json& reply) {
        if (reply.contains("second_factor")) {
          return LoginResult{reply.at("challenge").get<std::string>(), "", 0, 0, User{}};
        }
        return LoginFrom(reply);
      });
  if (login.ok()) token_ = login->token;
  return login;
}

Result<LoginResult> HttpApi::SecondFactor(std::string_view challenge, std::string_view code) {
  json body = {{"challenge", challenge}, {"code", code}};
  Result<LoginResult> login =
      Decode<LoginResult>(Call("POST", "/sessions/second-factor", body),
                          [](const json& reply) { return LoginFrom(reply); });
  if (login.ok()) token_ = login->token;
  return login;
}

Status HttpApi::Logout() { return StatusOf(Call("DELETE", "/sessions/current")); }

Result<json> HttpApi::ListSessions() {
  return Decode<json>(Call("GET", "/sessions"),
                      [](const json& reply) { return reply.at("sessions"); });
}

Status HttpApi::RevokeSession(int64_t session_id) {
  return StatusOf(Call("DELETE", "/sessions/" + std::to_string(session_id)));
}

Status HttpApi::ChangePassword(std::string_view old_password, std::string_view new_password) {
  json body = {{"old_password", old_password}, {"new_password", new_password}};
  return StatusOf(Call("PUT", "/account/password", body));
}

Result<json> HttpApi::Account() { return Call("GET", "/account"); }

Result<User> HttpApi::LookupUser(std::string_view username) {
  return Decode<User>(Call("GET", "/users/" + EscapePathSegment(username)),
                      [](const json& reply) { return UserFrom(reply.at("user")); });
}

Result<int64_t> HttpApi::SendNotice(std::string_view text, std::span<const int64_t> users) {
  json body = {{"text", text}};
  if (users.empty()) {
    body["all"] = true;
  } else {
    body["users"] = json(std::vector<int64_t>(users.begin(), users.end()));
  }
  return Decode<int64_t>(Call("POST", "/admin/notices", body),
                         [](const json& reply) { return reply.at("recipients").get<int64_t>(); });
}

Status HttpApi::SetAdmin(int64_t user_id, bool is_admin) {
  return StatusOf(
      Call("PUT", "/admin/users/" + std::to_string(user_id), json{{"admin", is_admin}}));
}

Status HttpApi::ClaimAdminSetup(std::string_view setup_token) {
  return StatusOf(Call("POST", "/admin/setup", json{{"setup_token", setup_token}}));
}

Result<json> HttpApi::Conversations() {
  return Decode<json>(Call("GET", "/conversations"),
                      [](const json& reply) { return reply.at("conversations"); });
}

Result<json> HttpApi::History(int64_t conversation_id, const HistoryPage& page) {
  std::string target = "/conversations/" + std::to_string(conversation_id) + "/messages";
  char separator = '?';
  auto add = [&](const char* key, int64_t value) {
    target += separator + std::string(key) + "=" + std::to_string(value);
    separator = '&';
  };
  if (page.before) add("before", *page.before);
  if (page.after) add("after", *page.after);
  if (page.limit) add("limit", *page.limit);
  return Call("GET", target);
}

Status HttpApi::Healthz() {
  Result<HttpResponse> response = Request("GET", "/healthz");
  if (!response.ok()) return response.status();
  if (response->status != 200) return StatusFromHttpError(response->status, response->body);
  return Status::Ok();
}

// --- groups ---

namespace {

std::string GroupPath(int64_t group_id) { return "/groups/" + std::to_string(group_id); }

std::string MemberPath(int64_t group_id, int64_t user_id) {
  return GroupPath(group_id) + "/members/" + std::to_string(user_id);
}

std::string PageQuery(int64_t after, int limit) {
  return "?after=" + std::to_string(after) + "&limit=" + std::to_string(limit);
}

}  // namespace

Result<json> HttpApi::CreateGroup(std::string_view name, const std::vector<int64_t>& members,
                                  std::string_view topic, bool is_public) {
  json body = {{"name", name}, {"members", members}, {"is_public", is_public}};
  if (!topic.empty()) body["topic"] = topic;
  return Decode<json>(Call("POST", "/groups", body),
                      [](const json& reply) { return reply.at("group"); });
}

Result<json> HttpApi::GroupInfo(int64_t group_id, int64_t after, int limit) {
  return Call("GET", GroupPath(group_id) + PageQuery(after, limit));
}

Result<json> HttpApi::GroupMembers(int64_t group_id, int64_t after, int limit) {
  return Call("GET", GroupPath(group_id) + "/members" + PageQuery(after, limit));
}

Status HttpApi::UpdateGroup(int64_t group_id, const json& fields) {
  return StatusOf(Call("PATCH", GroupPath(group_id), fields));
}

Status HttpApi::DeleteGroup(int64_t group_id) {
  return StatusOf(Call("DELETE", GroupPath(group_id)));
}

Status HttpApi::AddGroupMembers(int64_t group_id, const std::vector<int64_t>& users) {
  return StatusOf(Call("POST", GroupPath(group_id) + "/members", json{{"users", users}}));
}

Status HttpApi::RemoveGroupMember(int64_t group_id, int64_t user_id) {
  return StatusOf(Call("DELETE", MemberPath(group_id, user_id)));
}

Status HttpApi::SetGroupRole(int64_t group_id, int64_t user_id, std::string_view role) {
  return StatusOf(Call("PUT", MemberPath(group_id, user_id) + "/role", json{{"role", role}}));
}

Status HttpApi::TransferGroup(int64_t group_id, int64_t user_id) {
  return StatusOf(Call("POST", GroupPath(group_id) + "/owner", json{{"user", user_id}}));
}

Status HttpApi::MuteGroupMember(int64_t group_id, int64_t user_id, int64_t until_ms) {
  const std::string target = MemberPath(group_id, user_id) + "/mute";
  if (until_ms == 0) return StatusOf(Call("DELETE", target));
  return StatusOf(Call("PUT", target, json{{"until", until_ms}}));
}

Result<json> HttpApi::CreateGroupInvite(int64_t group_id, int64_t ttl_ms, int64_t max_uses) {
  json body = json::object();
  if (ttl_ms != 0) body["ttl_ms"] = ttl_ms;
  if (max_uses != 0) body["max_uses"] = max_uses;
  return Decode<json>(Call("POST", GroupPath(group_id) + "/invites", body),
                      [](const json& reply) { return reply.at("invite"); });
}

Result<json> HttpApi::GroupInvites(int64_t group_id) {
  return Decode<json>(Call("GET", GroupPath(group_id) + "/invites"),
                      [](const json& reply) { return reply.at("invites"); });
}

Status HttpApi::RevokeGroupInvite(int64_t group_id, std::string_view code) {
  return StatusOf(Call("DELETE", GroupPath(group_id) + "/invites/" + std::string(code)));
}

Status HttpApi::BanFromGroup(int64_t group_id, int64_t user_id) {
  return StatusOf(Call("PUT", GroupPath(group_id) + "/bans/" + std::to_string(user_id)));
}

Status HttpApi::UnbanFromGroup(int64_t group_id, int64_t user_id) {
  return StatusOf(Call("DELETE", GroupPath(group_id) + "/bans/" + std::to_string(user_id)));
}

Result<json> HttpApi::GroupBans(int64_t group_id) {
  return Decode<json>(Call("GET", GroupPath(group_id) + "/bans"),
                      [](const json& reply) { return reply.at("bans"); });
}

Result<json> HttpApi::JoinGroup(std::string_view code) {
  return Decode<json>(Call("POST", "/groups/join", json{{"code", code}}),
                      [](const json& reply) { return reply.at("group"); });
}

Status HttpApi::RequestToJoinGroup(int64_t group_id) {
  return StatusOf(Call("POST", GroupPath(group_id) + "/requests", json::object()));
}

Result<json> HttpApi::GroupJoinRequests(int64_t group_id) {
  return Decode<json>(Call("GET", GroupPath(group_id) + "/requests"),
                      [](const json& reply) { return reply.at("requests"); });
}

Result<json> HttpApi::PublicGroups(std::string_view query, int64_t after_id, int limit) {
  std::string target = "/groups/public?q=" + EscapePathSegment(query) +
                       "&after=" + std::to_string(after_id) + "&limit=" + std::to_string(limit);
  return Decode<json>(Call("GET", target), [](const json& reply) { return reply.at("groups"); });
}

Status HttpApi::AnswerGroupJoinRequest(int64_t group_id, int64_t user_id, bool approve) {
  return StatusOf(Call(approve ? "POST" : "DELETE",
                       GroupPath(group_id) + "/requests/" + std::to_string(user_id)));
}

// --- end groups ---

// --- social graph ---

Result<json> HttpApi::Retention(int64_t conversation_id) {
  return Call("GET", "/conversations/" + std::to_string(conversation_id) + "/retention");
}

Result<json> HttpApi::SetRetention(int64_t conversation_id, int64_t days, int64_t max_messages) {
  return Call("PUT", "/conversations/" + std::to_string(conversation_id) + "/retention",
              json{{"days", days}, {"max_messages", max_messages}});
}

Result<json> HttpApi::SearchMessages(std::string_view q, int64_t conversation_id,
                                     std::string_view before, int limit) {
  std::string target = "/search?q=" + EscapePathSegment(q) + "&limit=" + std::to_string(limit);
  if (conversation_id != 0) target += "&conversation_id=" + std::to_string(conversation_id);
  if (!before.empty()) target += "&before=" + EscapePathSegment(before);
  return Call("GET", target);
}

Result<json> HttpApi::SearchUsers(std::string_view query, int64_t after_id, int limit) {
  std::string target = "/users?q=" + EscapePathSegment(query) +
                       "&after=" + std::to_string(after_id) + "&limit=" + std::to_string(limit);
  return Decode<json>(Call("GET", target), [](const json& reply) { return reply.at("users"); });
}

Result<json> HttpApi::UserById(int64_t user_id) {
  return Decode<json>(Call("GET", "/users/id/" + std::to_string(user_id)),
                      [](const json& reply) { return reply.at("user"); });
}

Result<json> HttpApi::UpdateProfile(const json& fields) {
  return Call("PATCH", "/account/profile", fields);
}

Result<json> HttpApi::Friends() {
  return Decode<json>(Call("GET", "/friends"),
                      [](const json& reply) { return reply.at("friends"); });
}

Result<json> HttpApi::FriendRequests() { return Call("GET", "/friends/requests"); }

Result<json> HttpApi::SendFriendRequest(int64_t to_user_id, std::string_view note) {
  json body = {{"to", to_user_id}};
  if (!note.empty()) body["note"] = std::string(note);
  return Call("POST", "/friends/requests", body);
}

Result<json> HttpApi::AcceptFriendRequest(int64_t from_user_id) {
  return Call("POST", "/friends/requests/" + std::to_string(from_user_id) + "/accept");
}

Status HttpApi::DeclineFriendRequest(int64_t from_user_id) {
  return StatusOf(Call("POST", "/friends/requests/" + std::to_string(from_user_id) + "/decline"));
}

Status HttpApi::CancelFriendRequest(int64_t to_user_id) {
  return StatusOf(Call("DELETE", "/friends/requests/" + std::to_string(to_user_id)));
}

Status HttpApi::RemoveFriend(int64_t user_id) {
  return StatusOf(Call("DELETE", "/friends/" + std::to_string(user_id)));
}

Result<json> HttpApi::Blocks() {
  return Decode<json>(Call("GET", "/blocks"), [](const json& reply) { return reply.at("blocks"); });
}

Status HttpApi::Block(int64_t user_id) {
  return StatusOf(Call("PUT", "/blocks/" + std::to_string(user_id)));
}

Status HttpApi::Unblock(int64_t user_id) {
  return StatusOf(Call("DELETE", "/blocks/" + std::to_string(user_id)));
}

// --- end of social graph ---

std::string EscapePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace parley::client
