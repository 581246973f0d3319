#include "push/target_rules.h"

#include "push/base64url.h"
#include "push/web_push_crypto.h"

namespace parley::push {

std::string_view ProviderName(Provider provider) {
  return provider == Provider::kWebPush ? "webpush" : "webhook";
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

}  // namespace parley::push
