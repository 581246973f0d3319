// Internal to auth/: libsodium must be initialised once before its random and hashing functions
// are used. EnsureSodium() does that exactly once, thread-safely, and aborts the process if
// libsodium cannot start (no secure random source): tokens must never come from a broken RNG.
#ifndef PARLEY_AUTH_SODIUM_INIT_H_
#define PARLEY_AUTH_SODIUM_INIT_H_

namespace parley::auth::internal {

void EnsureSodium();

}  // namespace parley::auth::internal

#endif  // PARLEY_AUTH_SODIUM_INIT_H_
