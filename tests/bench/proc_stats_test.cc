#include "tools/bench/proc_stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace parley::bench {
namespace {

TEST(ProcStatsTest, ParsesUserAndSystemTicks) {
  struct Case {
    std::string text;
    int64_t user;
    int64_t system;
  };
  const Case cases[] = {
      {"21819 (cat) R 21815 21815 19836 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 192763", 7, 3},
      // The command name may hold spaces and parentheses: fields count from the last ')'.
      {"42 (a b) c) S 1 42 42 0 -1 4194560 500 0 1 0 1234 567 0 0 20 0 9 0 100", 1234, 567},
      {"7 () S 1 7 7 0 -1 0 0 0 0 0 99999999999 1 0 0 20 0 1 0 1\n", 99999999999, 1},
  };
  for (const Case& c : cases) {
    std::optional<CpuTicks> ticks = ParseProcStat(c.text);
    ASSERT_TRUE(ticks.has_value()) << c.text;
    EXPECT_EQ(ticks->user, c.user) << c.text;
    EXPECT_EQ(ticks->system, c.system) << c.text;
  }
}

TEST(ProcStatsTest, RejectsWhatIsNotAStatLine) {
  for (const char* bad : {"", "123", "1 (x) S 1 2 3", "1 (x) S 1 2 3 4 5 6 7 8 9 10 x 1",
                          "1 (x) S 1 2 3 4 5 6 7 8 9 10 5x 1", "no parenthesis at all 1 2 3"}) {
    EXPECT_FALSE(ParseProcStat(bad).has_value()) << bad;
  }
}

TEST(ProcStatsTest, ReadsThisProcess) {
  EXPECT_TRUE(ReadProcessCpuSeconds(getpid()).has_value());
  EXPECT_TRUE(ReadProcessMemory(getpid()).has_value());
  EXPECT_FALSE(ListThreads(getpid()).empty());
  EXPECT_FALSE(ReadProcessCpuSeconds(0).has_value());
  EXPECT_GE(OwnCpuSeconds(), 0.0);
}

}  // namespace
}  // namespace parley::bench
