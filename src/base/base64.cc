#include "base/base64.h"

#include <sodium.h>

#include "base/sodium_init.h"

namespace parley {
namespace {

std::string Encode(std::string_view bytes, int variant) {
  internal::EnsureSodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> Decode(std::string_view text, int variant) {
  internal::EnsureSodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  return Encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::string> Base64Decode(std::string_view text) {
  return Decode(text, sodium_base64_VARIANT_ORIGINAL);
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return Decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

}  // namespace parley
