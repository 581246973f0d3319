#include "push/target_rules.h"

#include <algorithm>
#include <cctype>

#include "base/base64.h"
#include "push/web_push_crypto.h"

namespace parley::push {

std::string_view ProviderName(Provider provider) {
  switch (provider) {
    case Provider::kWebPush:
      return "webpush";
    case Provider::kWebhook:
      return "webhook";
    case Provider::kFcm:
      return "fcm";
    case Provider::kApns:
      return "apns";
  }
  return "webhook";
}

std::string_view PreviewName(Preview preview) {
  switch (preview) {
    case Preview::kFull:
      return "full";
    case Preview::kSender:
      return "sender";
    case Preview::kNone:
      return "none";
  }
  return "none";
}

Result<EndpointUrl> ParseEndpoint(std::string_view url, bool allow_http) {
  auto invalid = [](std::string why) { return Status(Code::kInvalidArgument, "endpoint " + why); };
  if (url.empty()) return invalid("is empty");
  if (url.size() > kMaxEndpointBytes) {
    return invalid("is over " + std::to_string(kMaxEndpointBytes) + " bytes");
  }
  for (char c : url) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>') {
      return invalid("must be printable ASCII without spaces, quotes or backslashes");
    }
  }
  std::string_view scheme;
  if (url.starts_with("https://")) {
    scheme = "https://";
  } else if (url.starts_with("http://") && allow_http) {
    scheme = "http://";
  } else {
    return invalid(allow_http ? "must be an http or https URL" : "must be an https URL");
  }
  std::string_view rest = url.substr(scheme.size());
  const size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (authority.empty()) return invalid("has no host");
  if (authority.find('@') != std::string_view::npos) return invalid("must not carry credentials");
  if (url.find('#') != std::string_view::npos) return invalid("must not have a fragment");
  std::string_view host = authority;
  if (host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return invalid("has a bad IPv6 host");
    host = host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty()) return invalid("has no host");
  return EndpointUrl{std::string(scheme) + std::string(authority), std::string(host)};
}

Status DecodeSubscriptionKeys(std::string_view p256dh, std::string_view auth, Target& target) {
  auto key = Base64UrlDecode(p256dh);
  if (!key || key->size() != 65 || (*key)[0] != 0x04) {
    return Status(Code::kInvalidArgument,
                  "keys.p256dh must be base64url of a 65-byte uncompressed P-256 point");
  }
  auto secret = Base64UrlDecode(auth);
  if (!secret || secret->size() != 16) {
    return Status(Code::kInvalidArgument, "keys.auth must be base64url of 16 bytes");
  }
  // A key that is not on the curve would fail every send: refuse it now.
  auto probe = EncryptWebPush("", *key, *secret);
  if (!probe.ok()) {
    return Status(Code::kInvalidArgument, "keys.p256dh is not a point on P-256");
  }
  target.p256dh = std::move(*key);
  target.auth = std::move(*secret);
  return Status::Ok();
}

Status CheckFcmToken(std::string_view token) {
  const bool valid =
      !token.empty() && token.size() <= 1024 && std::all_of(token.begin(), token.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
               c == '.';
      });
  if (valid) return Status::Ok();
  return Status(Code::kInvalidArgument,
                "token must be 1 to 1024 letters, digits, dashes, underscores, colons or dots");
}

Status CheckApnsToken(std::string_view token) {
  const bool valid = token.size() >= 64 && token.size() <= 200 && token.size() % 2 == 0 &&
                     std::all_of(token.begin(), token.end(), [](char c) {
                       return std::isxdigit(static_cast<unsigned char>(c));
                     });
  if (valid) return Status::Ok();
  return Status(Code::kInvalidArgument, "token must be 64 to 200 hex digits");
}

}  // namespace parley::push
