// FrameAdmission: the per-session policy for client frames over the rate limit
// (docs/protocol.md, "Limits"). For each frame a WebSocket session reads, Next() says whether
// to handle it, to answer it with a `rate_limited` error, to drop it without an answer, or to
// close the session with 4029.
//
// - Frames pass a token bucket of `rate` per second with bursts up to `burst`.
// - Error answers pass their own bucket (kErrorBurst, then kErrorsPerSecond), so a flood cannot
//   make the server write as much as it reads; frames dropped without an answer are counted
//   and the count rides on the next error (TakeSilentlyDropped).
// - A flood starts with the first rejected frame and ends once kQuietToEnd passed without a
//   rejection. A session is closed when a flood lasts kFloodCloseAfter, or when more than
//   `burst` frames in a row were rejected (one tight burst).
//
// Not thread-safe: each session owns one and uses it on its event loop. Time is passed in, so the
// policy is tested without waiting.
#ifndef PARLEY_NET_FRAME_ADMISSION_H_
#define PARLEY_NET_FRAME_ADMISSION_H_

#include <chrono>
#include <cstdint>
#include <optional>

#include "net/token_bucket.h"

namespace parley::net {

class FrameAdmission {
 public:
  using Clock = TokenBucket::Clock;
  static constexpr double kErrorBurst = 20;
  static constexpr double kErrorsPerSecond = 1;
  static constexpr std::chrono::seconds kQuietToEnd{1};
  static constexpr std::chrono::seconds kFloodCloseAfter{3};

  enum class Verdict { kAdmit, kRejectWithError, kRejectSilently, kClose };

  FrameAdmission(double rate, double burst, Clock::time_point now = Clock::now());

  Verdict Next(Clock::time_point now = Clock::now());

  // Frames rejected without an answer since the last one taken; resets the count.
  int64_t TakeSilentlyDropped();

 private:
  TokenBucket frames_;
  TokenBucket errors_;
  const double burst_;
  double rejected_in_a_row_ = 0;
  std::optional<Clock::time_point> flood_started_;
  Clock::time_point last_rejected_{};
  int64_t silently_dropped_ = 0;
};

}  // namespace parley::net

#endif  // PARLEY_NET_FRAME_ADMISSION_H_
