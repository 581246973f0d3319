// kSanitizerSlackMiB: what AddressSanitizer's allocator keeps beyond what the program holds (the
// quarantine of freed blocks, which scripts/test-sanitizers sets to 16 MiB, and redzones), added
// to the memory bounds of tests so that they bound the code under test, not the sanitizer; 0
// without ASan. PARLEY_ASAN_RUNTIME is defined for every test program of an ASan build
// (tests/CMakeLists.txt): the test code itself is compiled without instrumentation, so the
// compiler's own __SANITIZE_ADDRESS__ cannot tell.
#ifndef PARLEY_TESTS_SUPPORT_SANITIZER_SLACK_H_
#define PARLEY_TESTS_SUPPORT_SANITIZER_SLACK_H_

namespace parley {

#if defined(PARLEY_ASAN_RUNTIME)
inline constexpr double kSanitizerSlackMiB = 48;
#else
inline constexpr double kSanitizerSlackMiB = 0;
#endif

}  // namespace parley

#endif  // PARLEY_TESTS_SUPPORT_SANITIZER_SLACK_H_
