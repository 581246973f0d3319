#include "net/frame_admission.h"

namespace parley::net {

FrameAdmission::FrameAdmission(double rate, double burst, Clock::time_point now)
    : frames_(rate, burst, now), errors_(kErrorsPerSecond, kErrorBurst, now), burst_(burst) {}

FrameAdmission::Verdict FrameAdmission::Next(Clock::time_point now) {
  if (flood_started_ && now - last_rejected_ >= kQuietToEnd) flood_started_.reset();
  if (frames_.TryTake(now)) {
    rejected_in_a_row_ = 0;
    return Verdict::kAdmit;
  }
  if (!flood_started_) flood_started_ = now;
  last_rejected_ = now;
  if (++rejected_in_a_row_ > burst_ || now - *flood_started_ >= kFloodCloseAfter) {
    return Verdict::kClose;
  }
  if (errors_.TryTake(now)) return Verdict::kRejectWithError;
  ++silently_dropped_;
  return Verdict::kRejectSilently;
}

int64_t FrameAdmission::TakeSilentlyDropped() {
  const int64_t dropped = silently_dropped_;
  silently_dropped_ = 0;
  return dropped;
}

}  // namespace parley::net
