#include "push/fcm_auth.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "push/target_rules.h"

namespace parley::push {
namespace {

constexpr size_t kMaxAccessTokenChars = 4096;
constexpr int64_t kAssertionLifetimeS = 3600;

Result<std::string> StringField(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Status(Code::kInvalidArgument,
                  std::string("the FCM service account has no \"") + name + "\"");
  }
  return it->get<std::string>();
}

std::string FormEscape(std::string_view text) {  // application/x-www-form-urlencoded
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace

Result<FcmServiceAccount> ParseServiceAccount(std::string_view json, bool allow_http) {
  const nlohmann::json object = nlohmann::json::parse(json, nullptr, false);
  if (!object.is_object()) {
    return Status(Code::kInvalidArgument, "the FCM service account is not a JSON object");
  }
  auto type = StringField(object, "type");
  if (!type.ok()) return type.status();
  if (*type != "service_account") {
    return Status(Code::kInvalidArgument, "the FCM service account's type is not service_account");
  }
  FcmServiceAccount account;
  for (auto [name, field] : {std::pair{"project_id", &account.project_id},
                             std::pair{"client_email", &account.client_email},
                             std::pair{"token_uri", &account.token_uri}}) {
    auto value = StringField(object, name);
    if (!value.ok()) return value.status();
    *field = std::move(*value);
  }
  if (auto id = StringField(object, "private_key_id"); id.ok()) account.private_key_id = *id;
  for (char c : account.project_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return Status(Code::kInvalidArgument,
                    "the FCM service account's project_id must be letters, digits and dashes");
    }
  }
  if (auto url = ParseEndpoint(account.token_uri, allow_http); !url.ok()) {
    return Status(Code::kInvalidArgument,
                  "the FCM service account's token_uri: " + url.status().message());
  }
  auto pem = StringField(object, "private_key");
  if (!pem.ok()) return pem.status();
  auto key = SigningKey::FromPem(*pem, SigningKey::Algorithm::kRs256,
                                 "the FCM service account's private_key");
  if (!key.ok()) return key.status();
  account.key = std::move(*key);
  return account;
}

Result<std::string> FcmAuth::Assertion(int64_t now_s) const {
  nlohmann::json header = nlohmann::json::object();
  if (!account_.private_key_id.empty()) header["kid"] = account_.private_key_id;
  const nlohmann::json claims = {{"iss", account_.client_email},
                                 {"scope", kFcmScope},
                                 {"aud", account_.token_uri},
                                 {"iat", now_s},
                                 {"exp", now_s + kAssertionLifetimeS}};
  return account_.key->Sign(header.dump(), claims.dump());
}

Result<std::string> FcmAuth::AccessToken(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && now_ms < refresh_at_) return token_;
  auto assertion = Assertion(now_ms / 1000);
  if (!assertion.ok()) return assertion.status();
  HttpPost post;
  post.url = account_.token_uri;
  post.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  post.body = "grant_type=" + FormEscape("urn:ietf:params:oauth:grant-type:jwt-bearer") +
              "&assertion=" + FormEscape(*assertion);
  auto reply = http_.Post(post);
  if (!reply.ok()) return Status(Code::kUnavailable, "fcm token: " + reply.status().message());
  if (reply->status < 200 || reply->status >= 300) {
    return Status(Code::kUnavailable, "fcm token: http " + std::to_string(reply->status));
  }
  const nlohmann::json answer = nlohmann::json::parse(reply->body, nullptr, false);
  const auto token = answer.is_object() ? answer.find("access_token") : answer.end();
  const auto expires = answer.is_object() ? answer.find("expires_in") : answer.end();
  if (token == answer.end() || !token->is_string() || expires == answer.end() ||
      !expires->is_number_integer()) {
    return Status(Code::kUnavailable, "fcm token: malformed reply");
  }
  const std::string& text = token->get_ref<const std::string&>();
  const int64_t lifetime_s = expires->get<int64_t>();
  if (text.empty() || text.size() > kMaxAccessTokenChars || lifetime_s <= 0 ||
      lifetime_s > 24 * 3600 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return Status(Code::kUnavailable, "fcm token: malformed reply");
  }
  token_ = text;
  refresh_at_ = now_ms + lifetime_s * 1000 * 3 / 4;
  return token_;
}

void FcmAuth::Invalidate(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (token_ == token) token_.clear();
}

}  // namespace parley::push
