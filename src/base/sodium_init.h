// Internal to auth/: libsodium must be initialised once before its random and hashing functions
// are used. EnsureSodium() does that exactly once, thread-safely, and aborts the process if
// libsodium cannot start (no secure random source): tokens must never come from a broken RNG.
#ifndef PARLEY_BASE_SODIUM_INIT_H_
#define PARLEY_BASE_SODIUM_INIT_H_

namespace parley::internal {

void EnsureSodium();

}  // namespace parley::internal

#endif  // PARLEY_BASE_SODIUM_INIT_H_
