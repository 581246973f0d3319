#include "net/http_ranges.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::net {
namespace {

TEST(HttpRangesTest, ContentRangeIsExactlyBytesStartEndTotal) {
  auto range = ParseContentRange("bytes 0-4194303/5242880");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->start, 0);
  EXPECT_EQ(range->end, 4194303);
  EXPECT_EQ(range->total, 5242880);
  for (const char* bad :
       {"", "bytes", "bytes 0-9", "bytes 0/10", "bytes 9-0/10", "bytes 0-10/10", "bytes -1-2/10",
        "bytes +1-2/10", "bytes 0-9/*", "bytes */10", "bytes=0-9/10", "Bytes 0-9/10",
        "bytes 0 -9/10", "bytes 0-9/10 ", "bytes 0x1-9/10", "bytes 0-9/99999999999999999999",
        "bytes 1-2-3/10", "bytes 1/2-3"}) {
    auto parsed = ParseContentRange(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(HttpRangesTest, RangeOfAFile) {
  using Kind = ByteRange::Kind;
  struct Case {
    std::string header;
    int64_t size;
    Kind kind;
    int64_t first;
    int64_t last;
  };
  const Case cases[] = {
      {"bytes=0-9", 100, Kind::kPart, 0, 9},
      {"bytes=90-", 100, Kind::kPart, 90, 99},
      {"bytes=90-500", 100, Kind::kPart, 90, 99},
      {"bytes=-10", 100, Kind::kPart, 90, 99},
      {"bytes=-500", 100, Kind::kPart, 0, 99},
      {"bytes=100-", 100, Kind::kUnsatisfiable, 0, 0},
      {"bytes=100-200", 100, Kind::kUnsatisfiable, 0, 0},
      {"bytes=-0", 100, Kind::kUnsatisfiable, 0, 0},
      {"bytes=0-", 0, Kind::kUnsatisfiable, 0, 0},
      {"bytes=5-2", 100, Kind::kWhole, 0, 0},
      {"bytes=0-1,4-5", 100, Kind::kWhole, 0, 0},
      {"items=0-1", 100, Kind::kWhole, 0, 0},
      {"bytes=a-b", 100, Kind::kWhole, 0, 0},
      {"bytes=-", 100, Kind::kWhole, 0, 0},
      {"", 100, Kind::kWhole, 0, 0},
  };
  for (const Case& test : cases) {
    const ByteRange range = ParseRange(test.header, test.size);
    EXPECT_EQ(range.kind, test.kind) << test.header;
    if (range.kind != Kind::kPart) continue;
    EXPECT_EQ(range.first, test.first) << test.header;
    EXPECT_EQ(range.last, test.last) << test.header;
  }
}

}  // namespace
}  // namespace parley::net
