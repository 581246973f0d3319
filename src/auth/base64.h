// Standard base64 (RFC 4648 section 4, padded) for SASL payloads and SCRAM attributes.
// Thread-safe, pure (libsodium).
#ifndef PARLEY_AUTH_BASE64_H_
#define PARLEY_AUTH_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

std::string Base64Encode(std::string_view bytes);
// nullopt unless `text` is exactly padded standard base64 (no whitespace).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace parley::auth

#endif  // PARLEY_AUTH_BASE64_H_
