#include "oidc/id_token.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "base/base64.h"

namespace parley::oidc {
namespace {

constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr size_t kMaxSubjectBytes = 255;
constexpr size_t kMaxProfileBytes = 256;

Status TokenRefused(std::string_view reason, std::string_view why) {
  return Status(Code::kUnauthenticated, std::string(reason) + ": " + std::string(why));
}

std::optional<nlohmann::json> JsonPart(std::string_view part) {
  std::optional<std::string> text = Base64UrlDecode(part);
  if (!text) return std::nullopt;
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

std::string StringClaim(const nlohmann::json& claims, const char* name) {
  if (!claims.contains(name) || !claims[name].is_string()) return "";
  std::string value = claims[name].get<std::string>();
  return value.size() <= kMaxProfileBytes ? value : "";
}

// A NumericDate claim in milliseconds; nullopt if missing or not a number.
std::optional<int64_t> TimeClaim(const nlohmann::json& claims, const char* name) {
  if (!claims.contains(name) || !claims[name].is_number()) return std::nullopt;
  const double seconds = claims[name].get<double>();
  if (!(seconds > 0 && seconds < 1e11)) return std::nullopt;
  return static_cast<int64_t>(seconds * 1000);
}

Status CheckAudience(const nlohmann::json& claims, const std::string& client_id) {
  const nlohmann::json& aud = claims.contains("aud") ? claims["aud"] : nlohmann::json();
  bool ours = false;
  size_t count = 0;
  if (aud.is_string()) {
    ours = aud.get<std::string>() == client_id;
    count = 1;
  } else if (aud.is_array()) {
    for (const nlohmann::json& one : aud) {
      ours = ours || (one.is_string() && one.get<std::string>() == client_id);
    }
    count = aud.size();
  }
  if (!ours) return TokenRefused("audience", "the token is not for this client");
  if ((count > 1 || claims.contains("azp")) && StringClaim(claims, "azp") != client_id) {
    return TokenRefused("audience", "azp is not this client");
  }
  return Status::Ok();
}

}  // namespace

Result<IdClaims> VerifyIdToken(std::string_view token, const KeySet& keys,
                               const Expectations& expected) {
  if (token.size() > kMaxTokenBytes) return TokenRefused("malformed", "over 16 KiB");
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return TokenRefused("malformed", "not a compact JWS");
  }
  std::optional<nlohmann::json> header = JsonPart(token.substr(0, first));
  std::optional<nlohmann::json> claims = JsonPart(token.substr(first + 1, second - first - 1));
  std::optional<std::string> signature = Base64UrlDecode(token.substr(second + 1));
  if (!header || !claims || !signature) return TokenRefused("malformed", "bad base64url or JSON");
  const std::string alg = StringClaim(*header, "alg");
  if (Status s = keys.Verify(alg, StringClaim(*header, "kid"), token.substr(0, second), *signature);
      !s.ok()) {
    return s;
  }
  if (StringClaim(*claims, "iss") != expected.issuer) {
    return TokenRefused("issuer", "iss is not the provider's issuer");
  }
  if (Status s = CheckAudience(*claims, expected.client_id); !s.ok()) return s;
  std::optional<int64_t> exp = TimeClaim(*claims, "exp");
  if (!exp || *exp + expected.clock_skew_ms <= expected.now_ms) {
    return TokenRefused("expired", "exp is missing or past");
  }
  std::optional<int64_t> iat = TimeClaim(*claims, "iat");
  if (!iat || *iat - expected.clock_skew_ms > expected.now_ms) {
    return TokenRefused("issued", "iat is missing or in the future");
  }
  if (expected.nonce.empty() || StringClaim(*claims, "nonce") != expected.nonce) {
    return TokenRefused("nonce", "the nonce is not this login's");
  }
  IdClaims out;
  if (claims->contains("sub") && (*claims)["sub"].is_string()) {
    out.subject = (*claims)["sub"].get<std::string>();
  }
  if (out.subject.empty() || out.subject.size() > kMaxSubjectBytes) {
    return TokenRefused("subject", "sub is missing or over 255 bytes");
  }
  out.name = StringClaim(*claims, "name");
  out.preferred_username = StringClaim(*claims, "preferred_username");
  out.email = StringClaim(*claims, "email");
  return out;
}

}  // namespace parley::oidc
