// RandomHex, RandomBytes: unguessable identifiers (group invite codes, server-made client ids)
// and seeds from libsodium's CSPRNG. Thread-safe.
#ifndef PARLEY_BASE_RANDOM_HEX_H_
#define PARLEY_BASE_RANDOM_HEX_H_

#include <cstddef>
#include <string>

namespace parley {

// `bytes` random bytes as 2 * bytes lower-case hex digits.
std::string RandomHex(size_t bytes);

// `bytes` raw random bytes (a TOTP seed).
std::string RandomBytes(size_t bytes);

}  // namespace parley

#endif  // PARLEY_BASE_RANDOM_HEX_H_
