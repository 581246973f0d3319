// FrameAdmission: what a session does with each client frame over the rate limit, in time
// given by the test (no waiting).
#include "net/frame_admission.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

namespace parley::net {
namespace {

using Verdict = FrameAdmission::Verdict;
using std::chrono::milliseconds;
const FrameAdmission::Clock::time_point kStart{};

// Feeds `count` frames at `every` apart from `*now` on; counts the verdicts until a close.
std::map<Verdict, int> Feed(FrameAdmission& admission, FrameAdmission::Clock::time_point* now,
                            int count, std::chrono::nanoseconds every) {
  std::map<Verdict, int> seen;
  for (int i = 0; i < count; ++i) {
    const Verdict verdict = admission.Next(*now);
    ++seen[verdict];
    if (verdict == Verdict::kClose) break;
    *now += every;
  }
  return seen;
}

TEST(FrameAdmissionTest, FramesWithinTheRateAndBurstAreAdmitted) {
  FrameAdmission admission(5, 10, kStart);
  auto now = kStart;
  auto seen = Feed(admission, &now, 10, milliseconds(0));  // the burst
  EXPECT_EQ(seen[Verdict::kAdmit], 10);
  now += milliseconds(210);
  seen = Feed(admission, &now, 100, milliseconds(210));  // then just under the rate, for 21 s
  EXPECT_EQ(seen[Verdict::kAdmit], 100);
}

TEST(FrameAdmissionTest, AShortBurstOverTheLimitGetsAnErrorPerFrameAndGoesOn) {
  FrameAdmission admission(5, 10, kStart);
  auto now = kStart;
  auto seen = Feed(admission, &now, 13, milliseconds(0));
  EXPECT_EQ(seen[Verdict::kAdmit], 10);
  EXPECT_EQ(seen[Verdict::kRejectWithError], 3);
  EXPECT_EQ(admission.TakeSilentlyDropped(), 0);
  // After a quiet second the session is in good standing again.
  now += milliseconds(1500);
  seen = Feed(admission, &now, 60, milliseconds(210));
  EXPECT_EQ(seen[Verdict::kAdmit], 60);
}

TEST(FrameAdmissionTest, OneTightBurstOfMoreThanTheBurstIsClosed) {
  FrameAdmission admission(5, 10, kStart);
  auto now = kStart;
  auto seen = Feed(admission, &now, 200, milliseconds(0));
  EXPECT_EQ(seen[Verdict::kAdmit], 10);
  EXPECT_EQ(seen[Verdict::kClose], 1);
  EXPECT_EQ(seen[Verdict::kRejectWithError] + seen[Verdict::kRejectSilently], 10);
}

// 20 times the rate: admitted frames keep interrupting the rejections, so only the flood's
// length closes it.
TEST(FrameAdmissionTest, ASustainedFloodIsClosedAfterItsTimeAndErrorsStayFew) {
  FrameAdmission admission(100, 200, kStart);
  auto now = kStart;
  auto seen = Feed(admission, &now, 20000, std::chrono::microseconds(500));  // 2,000/s for 10 s
  ASSERT_EQ(seen[Verdict::kClose], 1);
  const auto lasted = now - kStart;
  // The burst of 200 lasts ~0.1 s; the flood then runs 3 s.
  EXPECT_GE(lasted, FrameAdmission::kFloodCloseAfter);
  EXPECT_LT(lasted, FrameAdmission::kFloodCloseAfter + milliseconds(500));
  const int errors = seen[Verdict::kRejectWithError];
  EXPECT_GE(errors, static_cast<int>(FrameAdmission::kErrorBurst));
  EXPECT_LE(errors, static_cast<int>(FrameAdmission::kErrorBurst) + 4);
  EXPECT_GT(seen[Verdict::kRejectSilently], 5000);
}

// Frames dropped without an error are counted, and the count is handed over once.
TEST(FrameAdmissionTest, SilentDropsAreCountedUntilTaken) {
  FrameAdmission admission(1000, 2000, kStart);
  auto now = kStart;
  // Exhaust both buckets without closing: 2000 admitted, then 20 errors, then silence.
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(admission.Next(now), Verdict::kAdmit);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(admission.Next(now), Verdict::kRejectWithError);
  for (int i = 0; i < 7; ++i) ASSERT_EQ(admission.Next(now), Verdict::kRejectSilently);
  EXPECT_EQ(admission.TakeSilentlyDropped(), 7);
  EXPECT_EQ(admission.TakeSilentlyDropped(), 0);
  now += milliseconds(1000);  // one error token back, and one frame token per ms
  EXPECT_EQ(admission.Next(now), Verdict::kAdmit);
}

}  // namespace
}  // namespace parley::net
