// Wall-clock time in milliseconds since the Unix epoch, the unit every timestamp in Parley uses.
#ifndef PARLEY_BASE_CLOCK_H_
#define PARLEY_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace parley {

inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace parley

#endif  // PARLEY_BASE_CLOCK_H_
