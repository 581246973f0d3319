// Base64url without padding (RFC 4648 section 5), as Web Push keys, JWTs and VAPID use it.
// Pure functions; thread-safe.
#ifndef PARLEY_PUSH_BASE64URL_H_
#define PARLEY_PUSH_BASE64URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace parley::push {

std::string Base64UrlEncode(std::string_view bytes);
// nullopt unless `text` is unpadded base64url (trailing '=' padding is tolerated, as some
// browsers' keys carry it).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace parley::push

#endif  // PARLEY_PUSH_BASE64URL_H_
