#include "base/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace parley::internal {
namespace {

bool InitOnce() {
  // sodium_init returns 0 on first success and 1 when already initialised; -1 is fatal.
  if (sodium_init() < 0) {
    std::fputs("parley: libsodium failed to initialise (no secure random source?)\n", stderr);
    std::abort();
  }
  return true;
}

}  // namespace

void EnsureSodium() {
  static const bool initialised = InitOnce();  // thread-safe: C++ magic static
  (void)initialised;
}

}  // namespace parley::internal
