// What a typical message costs on the bus: its size, and the time to encode and decode it on
// this machine, printed (not asserted: timings depend on the machine and its load). Built
// optimized, in a binary of its own (tests/cluster/CMakeLists.txt).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "cluster/bus_message.h"
#include "tests/cluster/bus_samples.h"

namespace parley::cluster {
namespace {

TEST(BusMessageSpeedTest, TypicalTextMessage) {
  const BusMessage message = testing::TypicalTextMessage();
  const std::string bytes = Encode(message);
  auto decoded = Decode(bytes);
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(*decoded == message);

  constexpr int kRounds = 200'000;
  size_t sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) sink += Encode(message).size();
  const auto encoded = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) sink += Decode(bytes).ok() ? 1 : 0;
  const auto end = std::chrono::steady_clock::now();
  EXPECT_EQ(sink, kRounds * (bytes.size() + 1));
  const auto ns = [](auto duration) {
    return std::chrono::duration<double, std::nano>(duration).count() / kRounds;
  };
  std::printf(
      "typical MessageCommitted (20-byte text, 3-user audience): %zu bytes, encode %.0f ns, "
      "decode %.0f ns\n",
      bytes.size(), ns(encoded - start), ns(end - encoded));
}

}  // namespace
}  // namespace parley::cluster
