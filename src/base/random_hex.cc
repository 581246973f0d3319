#include "base/random_hex.h"

#include <sodium.h>

#include <vector>

#include "base/sodium_init.h"

namespace parley {

std::string RandomHex(size_t bytes) {
  internal::EnsureSodium();
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

std::string RandomBytes(size_t bytes) {
  internal::EnsureSodium();
  std::string random(bytes, '\0');
  randombytes_buf(random.data(), random.size());
  return random;
}

}  // namespace parley
