// Base64 in the two forms Parley speaks (RFC 4648): standard and padded (section 4: SASL
// payloads and SCRAM attributes), and base64url without padding (section 5: Web Push keys,
// JWTs, VAPID, OpenID Connect). Pure functions on libsodium's codecs; thread-safe.
#ifndef PARLEY_BASE_BASE64_H_
#define PARLEY_BASE_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace parley {

std::string Base64Encode(std::string_view bytes);
// nullopt unless `text` is exactly padded standard base64 (no whitespace).
std::optional<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);
// nullopt unless `text` is unpadded base64url (trailing '=' padding is tolerated, as some
// browsers' keys carry it).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace parley

#endif  // PARLEY_BASE_BASE64_H_
