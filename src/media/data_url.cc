#include "media/data_url.h"

#include <sodium.h>

namespace parley::media::internal {

std::string DataUrl(std::string_view mime, const std::string& bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string encoded(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), kVariant);
  encoded.resize(encoded.size() - 1);  // the terminating NUL
  return "data:" + std::string(mime) + ";base64," + encoded;
}

}  // namespace parley::media::internal
