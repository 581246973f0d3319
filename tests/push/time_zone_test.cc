// Do-not-disturb hours: the TZif reader against the system's zone files (summer and winter
// offsets, either side of a transition), hostile names and bytes, and the quiet interval.
#include "push/time_zone.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace parley::push {
namespace {

constexpr int64_t kWinter2026 = 1768478400;  // 2026-01-15 12:00 UTC
constexpr int64_t kSummer2026 = 1784116800;  // 2026-07-15 12:00 UTC

std::string ReadZone(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(TimeZones, ReadsSummerAndWinterOffsetsFromTheSystemDatabase) {
  TimeZones zones;
  EXPECT_EQ(zones.OffsetAt("Europe/Paris", kWinter2026), 3600);
  EXPECT_EQ(zones.OffsetAt("Europe/Paris", kSummer2026), 7200);
  EXPECT_EQ(zones.OffsetAt("America/New_York", kWinter2026), -5 * 3600);
  EXPECT_EQ(zones.OffsetAt("America/New_York", kSummer2026), -4 * 3600);
  EXPECT_EQ(zones.OffsetAt("Asia/Kolkata", kSummer2026), 5 * 3600 + 1800);
  EXPECT_EQ(zones.OffsetAt("Asia/Shanghai", kWinter2026), 8 * 3600);
  EXPECT_EQ(zones.OffsetAt("UTC", kSummer2026), 0);
  EXPECT_EQ(zones.OffsetAt("", kSummer2026), 0);
  // Europe/Paris switched to summer time at 2026-03-29 01:00 UTC.
  EXPECT_EQ(zones.OffsetAt("Europe/Paris", 1774746000 - 1), 3600);
  EXPECT_EQ(zones.OffsetAt("Europe/Paris", 1774746000), 7200);
}

TEST(TimeZones, HostileNamesAndBytesFallBackToUtc) {
  TimeZones zones;
  EXPECT_EQ(zones.OffsetAt("../../../etc/passwd", kSummer2026), 0);
  EXPECT_EQ(zones.OffsetAt("/etc/passwd", kSummer2026), 0);
  EXPECT_EQ(zones.OffsetAt("Mars/Olympus_Mons", kSummer2026), 0);
  EXPECT_EQ(ParseTzif("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseTzif("TZif2" + std::string(100, '\xff')).status().code(), Code::kInvalidArgument);
  const std::string paris = ReadZone("Europe/Paris");
  ASSERT_GT(paris.size(), 1000u);
  EXPECT_TRUE(ParseTzif(paris).ok());
  for (size_t cut : {size_t{10}, size_t{44}, paris.size() / 2, paris.size() - 200}) {
    EXPECT_FALSE(ParseTzif(paris.substr(0, cut)).ok()) << cut;
  }
}

TEST(QuietHours, SpanMidnightOrNot) {
  const QuietHours night{22 * 60, 7 * 60};
  EXPECT_TRUE(night.Contains(23 * 60));
  EXPECT_TRUE(night.Contains(0));
  EXPECT_TRUE(night.Contains(6 * 60 + 59));
  EXPECT_FALSE(night.Contains(7 * 60));
  EXPECT_FALSE(night.Contains(12 * 60));
  EXPECT_TRUE(night.Contains(22 * 60));
  const QuietHours lunch{12 * 60, 13 * 60};
  EXPECT_TRUE(lunch.Contains(12 * 60 + 30));
  EXPECT_FALSE(lunch.Contains(13 * 60));
  EXPECT_FALSE(lunch.Contains(11 * 60));
  EXPECT_FALSE((QuietHours{600, 600}).Contains(600));
}

}  // namespace
}  // namespace parley::push
