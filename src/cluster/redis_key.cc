#include "cluster/redis_key.h"

#include <sodium.h>

#include "base/sodium_init.h"

namespace parley::cluster {
namespace {

constexpr size_t kMaxPlainKeyBytes = 64;

std::string HashHex(std::string_view key) {
  internal::EnsureSodium();
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

std::string RedisKey(std::string_view prefix, std::string_view space, std::string_view name,
                     std::string_view key) {
  std::string redis_key;
  redis_key.reserve(prefix.size() + space.size() + name.size() + kMaxPlainKeyBytes + 4);
  redis_key.append(prefix).append(":").append(space).append(":").append(name).append(":");
  if (key.size() <= kMaxPlainKeyBytes) {
    redis_key += '=';
    redis_key += key;
  } else {
    redis_key += '#';
    redis_key += HashHex(key);
  }
  return redis_key;
}

}  // namespace parley::cluster
