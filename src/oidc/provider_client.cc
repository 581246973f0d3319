#include "oidc/provider_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

namespace parley::oidc {
namespace {

Status Unavailable(const std::string& why) {
  return Status(Code::kUnavailable, "provider: " + why);
}

// The JSON object a GET or POST answered with 200; kUnavailable otherwise.
Result<nlohmann::json> JsonReply(const Result<push::HttpReply>& reply, const char* what) {
  if (!reply.ok()) return Unavailable(std::string(what) + ": " + reply.status().message());
  if (reply->status != 200) {
    return Unavailable(std::string(what) + " answered HTTP " + std::to_string(reply->status));
  }
  if (reply->truncated) return Unavailable(std::string(what) + " is too large");
  nlohmann::json doc = nlohmann::json::parse(reply->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Unavailable(std::string(what) + " is not a JSON object");
  }
  return doc;
}

std::string UrlMember(const nlohmann::json& doc, const char* name) {
  if (!doc.contains(name) || !doc[name].is_string()) return "";
  std::string url = doc[name].get<std::string>();
  return url.starts_with("https://") || url.starts_with("http://") ? url : "";
}

// Standard base64 with padding, for HTTP Basic (OpenSSL's encoder).
std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

}  // namespace

std::string UrlEscape(std::string_view text) {
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

ProviderClient::ProviderClient(ProviderOptions provider, const OidcOptions& options,
                               const push::HttpClient& http)
    : provider_(std::move(provider)),
      key_refetch_interval_ms_(options.key_refetch_interval_ms),
      clock_skew_ms_(options.clock_skew_ms),
      http_(http) {}

Result<Endpoints> ProviderClient::Discover() {
  {
    std::lock_guard lock(mutex_);
    if (endpoints_) return *endpoints_;
  }
  std::string issuer = provider_.issuer;
  if (issuer.ends_with('/')) issuer.pop_back();
  Result<nlohmann::json> doc = JsonReply(
      http_.Get(issuer + "/.well-known/openid-configuration", {"Accept: application/json"}),
      "discovery");
  if (!doc.ok()) return doc.status();
  if (doc->value("issuer", "") != provider_.issuer) {
    return Unavailable("discovery names another issuer than " + provider_.issuer);
  }
  Endpoints endpoints{UrlMember(*doc, "authorization_endpoint"), UrlMember(*doc, "token_endpoint"),
                      UrlMember(*doc, "jwks_uri")};
  if (endpoints.authorization.empty() || endpoints.token.empty() || endpoints.jwks.empty()) {
    return Unavailable("discovery lacks an authorization, token or jwks URL");
  }
  std::lock_guard lock(mutex_);
  endpoints_ = endpoints;
  return endpoints;
}

Result<std::shared_ptr<const KeySet>> ProviderClient::Keys(const Endpoints& endpoints, bool refresh,
                                                           int64_t now_ms) {
  {
    std::lock_guard lock(mutex_);
    if (keys_ && !refresh) return keys_;
    // The first fetch is free; fetching again (an unknown key id, or after a failure) is
    // limited, so tokens with made-up key ids cannot make parleyd hammer the provider.
    if (refetched_at_ && now_ms - *refetched_at_ < key_refetch_interval_ms_) {
      if (keys_) return keys_;
      return Unavailable("the keys could not be fetched moments ago");
    }
    if (keys_ || attempted_) refetched_at_ = now_ms;  // before the fetch: callers do not pile on
    attempted_ = true;
  }
  Result<nlohmann::json> doc =
      JsonReply(http_.Get(endpoints.jwks, {"Accept: application/json"}), "jwks");
  if (!doc.ok()) return doc.status();
  Result<std::shared_ptr<const KeySet>> keys = KeySet::Parse(doc->dump());
  if (!keys.ok()) return Unavailable(keys.status().message());
  std::lock_guard lock(mutex_);
  keys_ = *keys;
  return keys_;
}

Result<std::string> ProviderClient::RequestIdToken(const Endpoints& endpoints,
                                                   const std::string& code,
                                                   const std::string& code_verifier,
                                                   const std::string& redirect_uri) {
  push::HttpPost post{
      endpoints.token,
      {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"},
      "grant_type=authorization_code&code=" + UrlEscape(code) + "&redirect_uri=" +
          UrlEscape(redirect_uri) + "&code_verifier=" + UrlEscape(code_verifier)};
  if (provider_.secret_in_body) {
    post.body += "&client_id=" + UrlEscape(provider_.client_id) +
                 "&client_secret=" + UrlEscape(provider_.client_secret);
  } else {
    // RFC 6749 section 2.3.1: both parts form-encoded before Basic.
    post.headers.push_back("Authorization: Basic " + Base64(UrlEscape(provider_.client_id) + ":" +
                                                            UrlEscape(provider_.client_secret)));
  }
  Result<push::HttpReply> reply = http_.Post(post);
  if (reply.ok() && reply->status == 400) {
    return Status(Code::kUnauthenticated, "code: the provider refused the authorization code");
  }
  Result<nlohmann::json> doc = JsonReply(reply, "token request");
  if (!doc.ok()) return doc.status();
  if (!doc->contains("id_token") || !(*doc)["id_token"].is_string()) {
    return Unavailable("the token response has no id_token");
  }
  return (*doc)["id_token"].get<std::string>();
}

Result<IdClaims> ProviderClient::Redeem(const std::string& code, const std::string& code_verifier,
                                        const std::string& redirect_uri, const std::string& nonce,
                                        int64_t now_ms) {
  Result<Endpoints> endpoints = Discover();
  if (!endpoints.ok()) return endpoints.status();
  Result<std::string> token = RequestIdToken(*endpoints, code, code_verifier, redirect_uri);
  if (!token.ok()) return token.status();
  const Expectations expected{provider_.issuer, provider_.client_id, nonce, now_ms, clock_skew_ms_};
  for (bool refresh : {false, true}) {
    Result<std::shared_ptr<const KeySet>> keys = Keys(*endpoints, refresh, now_ms);
    if (!keys.ok()) return keys.status();
    Result<IdClaims> claims = VerifyIdToken(*token, **keys, expected);
    if (claims.ok() || claims.status().code() != Code::kNotFound) return claims;
  }
  return Status(Code::kUnauthenticated, "unknown_key: no key of the provider has this id");
}

}  // namespace parley::oidc
