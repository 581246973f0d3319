// C2sSession: stream negotiation (RFC 6120 sections 4 to 7): stream headers and features,
// SASL (PLAIN, SCRAM-SHA-256) against AuthService, and resource binding.
#include "base/base64.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/random_hex.h"
#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/jid.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

// The device a login over XMPP makes, as the user's device list shows it.
constexpr std::string_view kDeviceName = "XMPP client";

std::string_view SaslConditionOf(Code code) {
  switch (code) {
    case Code::kUnauthenticated:
      return "not-authorized";
    case Code::kAccountDisabled:
      return "account-disabled";
    case Code::kMalformed:
    case Code::kInvalidArgument:
      return "malformed-request";
    default:
      return "temporary-auth-failure";
  }
}

}  // namespace

std::string C2sSession::StreamHeader() {
  header_sent_ = true;
  return transport_->StreamHeader(RandomHex(12), options_.domain);
}

void C2sSession::OpenStream(const XmlElement& header) {
  Send(StreamHeader());
  if (header.HasAttr("to")) {
    std::optional<Jid> to = ParseJid(header.Attr("to"));
    if (!to || to->domain != options_.domain || !to->local.empty()) {
      Fail({StreamCondition::kHostUnknown, "this server is " + options_.domain});
      return;
    }
  }
  // The prefix declared again: on a WebSocket each element stands alone (RFC 7395).
  std::string text = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>";
  if (TlsRequired()) {
    text += "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>";
  } else if (phase_ == Phase::kSasl) {
    text +=
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
        "<mechanism>SCRAM-SHA-256</mechanism>";
    if (transport_->secure() || options_.allow_plain_without_tls)
      text += "<mechanism>PLAIN</mechanism>";
    text += "</mechanisms>";
  } else {
    text +=
        "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
        "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
        "<sm xmlns='urn:xmpp:sm:3'/>";
  }
  text += "</stream:features>";
  Send(std::move(text));
}

awaitable<void> C2sSession::HandleNegotiation(const XmlElement& element) {
  if (element.name == "starttls" && element.ns == kTlsNs) {
    HandleStartTls();
    co_return;
  }
  if (TlsRequired()) {
    Fail({StreamCondition::kPolicyViolation, "STARTTLS is required first"});
    co_return;
  }
  if (phase_ == Phase::kSasl && element.ns == kSaslNs) {
    if (element.name == "auth") {
      co_await HandleAuth(element);
    } else if (element.name == "response") {
      co_await HandleScramResponse(element);
    } else if (element.name == "abort") {
      scram_.reset();
      scram_lookup_.reset();
      SaslFailure("aborted", "");
    } else {
      Fail({StreamCondition::kBadFormat, "unknown SASL element"});
    }
    co_return;
  }
  if (phase_ == Phase::kBind && element.ns == kSmNs) {
    co_await HandleSmBeforeBind(element);  // XEP-0198 <resume/>
    co_return;
  }
  if (phase_ == Phase::kBind && element.name == "iq" && element.Attr("type") == "set") {
    if (element.Child("bind", kBindNs) != nullptr) {
      co_await HandleBind(element);
      co_return;
    }
    if (element.Child("session", kSessionNs) != nullptr) {
      Reply(element);
      co_return;
    }
  }
  Fail({StreamCondition::kNotAuthorized, "authenticate and bind a resource first"});
}

void C2sSession::SaslFailure(std::string_view condition, std::string_view text) {
  std::string out =
      "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><" + std::string(condition) + "/>";
  if (!text.empty()) out += "<text>" + XmlEscape(text) + "</text>";
  Send(out + "</failure>");
}

awaitable<void> C2sSession::HandleAuth(const XmlElement& auth) {
  scram_.reset();
  scram_lookup_.reset();
  const std::string_view mechanism = auth.Attr("mechanism");
  // "=" is an empty initial response (RFC 6120 section 6.4.2).
  std::optional<std::string> initial =
      auth.text == "=" ? std::optional<std::string>("") : Base64Decode(auth.text);
  if (!initial) {
    SaslFailure("incorrect-encoding", "");
    co_return;
  }
  if (mechanism == "PLAIN" && (transport_->secure() || options_.allow_plain_without_tls)) {
    // authzid NUL authcid NUL password
    const size_t first = initial->find('\0');
    const size_t second = first == std::string::npos ? first : initial->find('\0', first + 1);
    if (second == std::string::npos) {
      SaslFailure("malformed-request", "");
      co_return;
    }
    const std::string authzid = initial->substr(0, first);
    std::string username = initial->substr(first + 1, second - first - 1);
    std::string password = initial->substr(second + 1);
    if (!authzid.empty() && authzid != username && authzid != username + "@" + options_.domain) {
      SaslFailure("invalid-authzid", "");
      co_return;
    }
    auto logging_in = net::OnPool(services_.hashing, [this, username, password] {
      return services_.auth.Login(username, password, kDeviceName, client_key_, NowMillis());
    });
    LoginDone(co_await std::move(logging_in), "");
    co_return;
  }
  if (mechanism != "SCRAM-SHA-256") {
    SaslFailure("invalid-mechanism", "");
    co_return;
  }
  Result<auth::ScramClientFirst> first = auth::ParseScramClientFirst(*initial);
  if (!first.ok()) {
    SaslFailure("malformed-request", first.status().message());
    co_return;
  }
  auto looking_up = net::OnWorker(services_.workers, [this, username = first->username] {
    return services_.auth.BeginScramLogin(username, client_key_, NowMillis());
  });
  Result<auth::AuthService::ScramLookup> lookup = co_await std::move(looking_up);
  if (!lookup.ok()) {
    SaslFailure(SaslConditionOf(lookup.status().code()), lookup.status().message());
    co_return;
  }
  scram_.emplace(std::move(*first), lookup->credentials, auth::NewScramNonce());
  scram_lookup_ = std::move(*lookup);
  Send("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
       Base64Encode(scram_->server_first()) + "</challenge>");
}

awaitable<void> C2sSession::HandleScramResponse(const XmlElement& response) {
  if (!scram_) {
    SaslFailure("malformed-request", "no SCRAM exchange is under way");
    co_return;
  }
  std::optional<std::string> final_message = Base64Decode(response.text);
  Result<std::string> verified = final_message
                                     ? scram_->Finish(*final_message)
                                     : Result<std::string>(Code::kMalformed, "not base64");
  auth::AuthService::ScramLookup lookup = std::move(*scram_lookup_);
  scram_.reset();
  scram_lookup_.reset();
  auto finishing = net::OnWorker(services_.workers, [this, &lookup, ok = verified.ok()] {
    return services_.auth.FinishScramLogin(lookup, ok, kDeviceName, client_key_, NowMillis());
  });
  Result<auth::LoginResult> login = co_await std::move(finishing);
  LoginDone(std::move(login), verified.ok() ? *verified : "");
}

void C2sSession::LoginDone(Result<auth::LoginResult> login, std::string success_data) {
  if (!login.ok()) {
    SaslFailure(SaslConditionOf(login.status().code()), login.status().message());
    return;
  }
  if (login->second_factor) {
    SaslFailure("not-authorized",
                "this account uses two-step sign-in, which XMPP logins do not support yet");
    return;
  }
  user_id_ = login->user.id;
  username_ = login->user.username;
  Remember(user_id_, username_);
  token_ = std::move(login->token);
  principal_ = auth::Principal{std::move(login->user), login->device.id, login->device.expires_at};
  Log(LogLevel::kInfo, "xmpp_authenticated",
      {{"session", session_id_}, {"user_id", std::to_string(user_id_)}});
  Send("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
       (success_data.empty() ? "" : Base64Encode(success_data)) + "</success>");
  phase_ = Phase::kBind;
  restart_ = true;
  header_sent_ = false;
}

awaitable<void> C2sSession::HandleBind(const XmlElement& iq) {
  const XmlElement* bind = iq.Child("bind", kBindNs);
  const XmlElement* wanted = bind->Child("resource", kBindNs);
  std::optional<std::string> resource = wanted == nullptr
                                            ? std::optional<std::string>("parley-" + RandomHex(6))
                                            : ValidResource(wanted->text);
  if (!resource) {
    ReplyError(iq, Status(Code::kInvalidArgument, "a resource is 1 to 64 characters"));
    co_return;
  }
  if (!services_.hub.Attach(slice_, user_id_, principal_->device_id, shared_from_this(),
                            options_.max_sessions_per_user)) {
    SendStanza(ErrorReply(iq, {"cancel", "resource-constraint"},
                          "this account has too many open sessions"));
    co_return;
  }
  attached_ = true;
  // A revocation committed between the login and Attach found no peer to close: check again
  // now that one would (as the WebSocket session does after its hello).
  auto rechecking = net::OnWorker(
      services_.workers, [this] { return services_.auth.Authenticate(token_, NowMillis()); });
  Result<auth::Principal> still = co_await std::move(rechecking);
  if (closing_) co_return;
  if (!still.ok()) {
    Fail({StreamCondition::kNotAuthorized, "this session was signed out"});
    co_return;
  }
  resource_ = std::move(*resource);
  phase_ = Phase::kBound;
  deadline_.cancel();
  XmlElement result(std::string(kBindNs), "bind");
  result.AddText(std::string(kBindNs), "jid", username_ + "@" + options_.domain + "/" + resource_);
  Reply(iq, std::move(result));
  Log(LogLevel::kInfo, "xmpp_bound",
      {{"session", session_id_},
       {"user_id", std::to_string(user_id_)},
       {"device_id", std::to_string(principal_->device_id)}});
}

}  // namespace parley::xmpp
