// The bus's primitive encodings (base/wire.h): canonical varints, zigzag, length limits,
// and a reader that never reads past its input and keeps its first error.
#include "base/wire.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace parley {
namespace {

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
constexpr int64_t kMinI64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxI64 = std::numeric_limits<int64_t>::max();

std::string VarintBytes(uint64_t value) {
  std::string bytes;
  WireWriter(&bytes).Varint(value);
  return bytes;
}

TEST(WireTest, VarintsRoundTripWithTheirSize) {
  for (uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{16383},
                         uint64_t{16384}, uint64_t{1} << 63, kMaxU64}) {
    const std::string bytes = VarintBytes(value);
    EXPECT_EQ(bytes.size(), VarintSize(value)) << value;
    WireReader reader(bytes);
    EXPECT_EQ(reader.Varint(), value);
    EXPECT_TRUE(reader.ok()) << value;
    EXPECT_EQ(reader.remaining(), 0u);
  }
  EXPECT_EQ(VarintBytes(300), "\xac\x02");
  EXPECT_EQ(VarintSize(kMaxU64), kMaxVarintBytes);
}

TEST(WireTest, ZigZagKeepsSmallMagnitudesSmall) {
  EXPECT_EQ(ZigZag(0), 0u);
  EXPECT_EQ(ZigZag(-1), 1u);
  EXPECT_EQ(ZigZag(1), 2u);
  EXPECT_EQ(ZigZag(-2), 3u);
  EXPECT_EQ(ZigZag(kMaxI64), kMaxU64 - 1);
  EXPECT_EQ(ZigZag(kMinI64), kMaxU64);
  for (int64_t value : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{64}, kMinI64,
                        kMaxI64, kMinI64 + 1}) {
    EXPECT_EQ(UnZigZag(ZigZag(value)), value);
    std::string bytes;
    WireWriter(&bytes).SignedVarint(value);
    WireReader reader(bytes);
    EXPECT_EQ(reader.SignedVarint(), value);
    EXPECT_TRUE(reader.ok());
  }
}

TEST(WireTest, OverLongAndNonCanonicalVarintsAreMalformed) {
  const std::string cases[] = {
      std::string(10, '\xff') + '\x01',  // 11 groups
      std::string(9, '\xff') + '\x02',   // a tenth group over bit 63
      std::string(9, '\xff') + '\x7f',   // the same, every bit
      std::string("\x80\x00", 2),        // 0 in two bytes
      std::string("\xff\x00", 2),        // 127 in two bytes
      std::string(9, '\x80') + '\x00',   // 0 in ten bytes
      std::string(10, '\x80'),           // never ends
  };
  for (const std::string& bytes : cases) {
    WireReader reader(bytes);
    EXPECT_EQ(reader.Varint(), 0u);
    EXPECT_FALSE(reader.ok());
    EXPECT_EQ(reader.status().code(), Code::kMalformed);
  }
  // Bit 63 alone is the one ten-group varint with a last group of 1.
  const std::string bit_63 = std::string(9, '\x80') + '\x01';
  WireReader top(bit_63);
  EXPECT_EQ(top.Varint(), uint64_t{1} << 63);
  EXPECT_TRUE(top.ok());
}

TEST(WireTest, TruncatedVarintAndEmptyInputAreMalformed) {
  WireReader empty("");
  EXPECT_EQ(empty.U8(), 0);
  EXPECT_EQ(empty.status().code(), Code::kMalformed);
  EXPECT_EQ(empty.status().message(), "truncated");

  WireReader cut("\x80\x80");
  EXPECT_EQ(cut.Varint(), 0u);
  EXPECT_EQ(cut.status().code(), Code::kMalformed);
  EXPECT_EQ(cut.status().message(), "truncated varint");
}

TEST(WireTest, BytesRoundTripAndRespectTheirLimit) {
  std::string bytes;
  WireWriter writer(&bytes);
  writer.Bytes("hello");
  writer.Bytes(std::string("\0\xff", 2));
  writer.Bytes("");
  {
    WireReader reader(bytes);
    EXPECT_EQ(reader.Bytes(5), "hello");
    EXPECT_EQ(reader.Bytes(5), std::string_view("\0\xff", 2));
    EXPECT_EQ(reader.Bytes(0), "");
    EXPECT_TRUE(reader.ok());
    EXPECT_EQ(reader.remaining(), 0u);
  }
  WireReader limited(bytes);
  EXPECT_EQ(limited.Bytes(4), "");
  EXPECT_EQ(limited.status().message(), "bytes over their limit");
}

TEST(WireTest, LengthsBeyondTheInputAreMalformed) {
  // A length of 6 with 5 bytes behind it; a length of 2^63 with none.
  WireReader short_by_one("\x06hello");
  EXPECT_EQ(short_by_one.Bytes(1 << 20), "");
  EXPECT_EQ(short_by_one.status().message(), "bytes past the end");

  const std::string two_to_the_63 = std::string(9, '\x80') + '\x01';
  WireReader huge(two_to_the_63);
  EXPECT_EQ(huge.Bytes(std::numeric_limits<size_t>::max()), "");
  EXPECT_EQ(huge.status().code(), Code::kMalformed);

  // A count needs a byte per element left.
  WireReader count("\x04\x01\x02\x03");
  EXPECT_EQ(count.Count(1000), 0u);
  EXPECT_EQ(count.status().message(), "count past the end");
  WireReader fits("\x03\x01\x02\x03");
  EXPECT_EQ(fits.Count(1000), 3u);
  WireReader over("\x03\x01\x02\x03");
  EXPECT_EQ(over.Count(2), 0u);
  EXPECT_EQ(over.status().message(), "count over its limit");
}

TEST(WireTest, BoolsAreZeroOrOne) {
  WireReader reader(std::string_view("\x00\x01\x02", 3));
  EXPECT_FALSE(reader.Bool());
  EXPECT_TRUE(reader.Bool());
  EXPECT_TRUE(reader.ok());
  EXPECT_FALSE(reader.Bool());
  EXPECT_EQ(reader.status().message(), "bool not 0 or 1");
}

TEST(WireTest, TheFirstErrorSticks) {
  WireReader reader("\x02\x01\x05");
  EXPECT_FALSE(reader.Bool());  // fails here
  EXPECT_EQ(reader.U8(), 0);    // a readable byte, but nothing reads after a failure
  EXPECT_EQ(reader.Varint(), 0u);
  reader.Fail("later");
  EXPECT_EQ(reader.status().message(), "bool not 0 or 1");
  EXPECT_EQ(reader.remaining(), 2u);
}

}  // namespace
}  // namespace parley
