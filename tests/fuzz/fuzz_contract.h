// What every fuzz target of tests/fuzz checks, in one place. A decoder of outside bytes answers
// with a value or a typed error: a failure carries one of the codes its header promises and a
// message, and is never kInternal (bad input is the client's fault, not a server bug). A broken
// contract aborts, so libFuzzer reports it and saves the input as a crash file.
#ifndef PARLEY_TESTS_FUZZ_FUZZ_CONTRACT_H_
#define PARLEY_TESTS_FUZZ_FUZZ_CONTRACT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

#include "base/status.h"

namespace parley::fuzz {

[[noreturn]] inline void ContractBroken(const char* what, const char* file, int line) {
  std::fprintf(stderr, "contract broken: %s (%s:%d)\n", what, file, line);
  std::abort();
}

#define PARLEY_FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::parley::fuzz::ContractBroken(#condition, __FILE__, __LINE__))

// `status` failed with one of `allowed` and says why.
inline void CheckTypedError(const Status& status, std::initializer_list<Code> allowed) {
  PARLEY_FUZZ_CHECK(!status.ok());
  PARLEY_FUZZ_CHECK(!status.message().empty());
  bool listed = false;
  for (Code code : allowed) listed = listed || status.code() == code;
  if (!listed) {
    std::fprintf(stderr, "unexpected code %s: %s\n", std::string(CodeName(status.code())).c_str(),
                 status.message().c_str());
  }
  PARLEY_FUZZ_CHECK(listed);
}

// Either a value or a typed error from `allowed`.
template <typename T>
void CheckResult(const Result<T>& result, std::initializer_list<Code> allowed) {
  if (!result.ok()) CheckTypedError(result.status(), allowed);
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace parley::fuzz

#endif  // PARLEY_TESTS_FUZZ_FUZZ_CONTRACT_H_
