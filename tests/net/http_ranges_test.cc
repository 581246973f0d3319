#include "net/http_ranges.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <random>
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

// The header with each number's leading zeros dropped (RFC 9110 allows them: 1*DIGIT).
std::string WithoutLeadingZeros(const std::string& header) {
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) {
    const bool starts_number = i == 0 || !std::isdigit(static_cast<unsigned char>(header[i - 1]));
    const bool more_digits =
        i + 1 < header.size() && std::isdigit(static_cast<unsigned char>(header[i + 1]));
    if (header[i] == '0' && starts_number && more_digits) {
      while (i + 1 < header.size() && header[i] == '0' &&
             std::isdigit(static_cast<unsigned char>(header[i + 1]))) {
        ++i;
      }
    }
    out += header[i];
  }
  return out;
}

// Random headers from the characters ranges are made of, and mutations of valid ones: a parse
// either fails as documented or yields a range that is valid and says exactly what was written.
TEST(HttpRangesTest, RandomHeadersGiveValidRangesOrTypedErrors) {
  std::mt19937_64 rng(20261123);
  const std::string alphabet = "bytes=-/,0123456789 *x\t+";
  const std::string seeds[] = {"bytes 0-4194303/5242880", "bytes=0-99", "bytes=-500",
                               "bytes=9223372036854775806-", "bytes 0-0/1"};
  const int64_t sizes[] = {0, 1, 100, 5242880, INT64_MAX};
  int parsed_ranges = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string header;
    if (i % 2 == 0) {
      const size_t length = rng() % 40;
      for (size_t k = 0; k < length; ++k) header += alphabet[rng() % alphabet.size()];
    } else {
      header = seeds[rng() % std::size(seeds)];
      for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && !header.empty(); --edits) {
        const size_t at = rng() % header.size();
        switch (rng() % 3) {
          case 0:
            header[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            header.erase(at, 1);
            break;
          default:
            header.insert(at, 1, alphabet[rng() % alphabet.size()]);
        }
      }
    }
    auto range = ParseContentRange(header);
    if (range.ok()) {
      EXPECT_TRUE(range->start >= 0 && range->start <= range->end && range->end < range->total)
          << header;
      EXPECT_EQ(WithoutLeadingZeros(header), "bytes " + std::to_string(range->start) + "-" +
                                                 std::to_string(range->end) + "/" +
                                                 std::to_string(range->total));
      ++parsed_ranges;
    } else {
      EXPECT_EQ(range.status().code(), Code::kInvalidArgument) << header;
    }
    const int64_t size = sizes[rng() % std::size(sizes)];
    ByteRange part = ParseRange(header, size);
    if (part.kind == ByteRange::Kind::kPart) {
      EXPECT_TRUE(part.first >= 0 && part.first <= part.last && part.last < size)
          << header << " of " << size;
    }
  }
  EXPECT_GT(parsed_ranges, 0);  // the mutations keep some headers valid
}

}  // namespace
}  // namespace parley::net
