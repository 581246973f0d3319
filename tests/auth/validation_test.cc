#include "auth/validation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::auth {
namespace {

using namespace std::string_literals;

struct Case {
  std::string input;
  Code expected;  // kOk for accepted input
};

std::string Repeat(std::string_view unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

void ExpectAll(const std::vector<Case>& cases, Status (*validate)(std::string_view)) {
  for (const Case& c : cases) {
    Status status = validate(c.input);
    EXPECT_EQ(status.code(), c.expected) << "input: \"" << c.input.substr(0, 80) << "\" ("
                                         << c.input.size() << " bytes): " << status.message();
    EXPECT_EQ(status.ok(), status.message().empty());
  }
}

TEST(ValidationTest, Usernames) {
  const std::vector<Case> cases = {
      {"alice", Code::kOk},
      {"Bob", Code::kOk},
      {"abc", Code::kOk},
      {"x_y.z-1", Code::kOk},
      {"0day", Code::kOk},
      {"a..", Code::kOk},
      {std::string(32, 'a'), Code::kOk},
      {"ab", Code::kInvalidArgument},
      {"", Code::kInvalidArgument},
      {std::string(33, 'a'), Code::kInvalidArgument},
      {std::string(10 * 1024, 'a'), Code::kInvalidArgument},
      {"_alice", Code::kInvalidArgument},
      {".alice", Code::kInvalidArgument},
      {"-alice", Code::kInvalidArgument},
      {"al ice", Code::kInvalidArgument},
      {"alice ", Code::kInvalidArgument},
      {"alice\n", Code::kInvalidArgument},
      {"ali\0ce"s, Code::kInvalidArgument},
      {"alice@host", Code::kInvalidArgument},
      {"al/ice", Code::kInvalidArgument},
      {"al+ice", Code::kInvalidArgument},
      {"ali'ce", Code::kInvalidArgument},
      {"\xC3\xA9lise", Code::kInvalidArgument},                          // élise
      {"\xD0\xB0lice", Code::kInvalidArgument},                          // Cyrillic а, a homoglyph
      {"ali\xF0\x9F\x99\x82", Code::kInvalidArgument},                   // emoji
      {"\xEF\xBD\x81\xEF\xBD\x82\xEF\xBD\x83", Code::kInvalidArgument},  // fullwidth abc
      {"ali\xC0\xAF", Code::kMalformed},                                 // overlong '/'
      {"ali\xFF", Code::kMalformed},
      {"ali\xED\xA0\x80", Code::kMalformed},  // surrogate
  };
  ExpectAll(cases, ValidateUsername);
}

TEST(ValidationTest, Passwords) {
  const std::vector<Case> cases = {
      {"12345678", Code::kOk},
      {"correct horse battery staple", Code::kOk},
      {"        ", Code::kOk},
      {"pass\0word"s, Code::kOk},
      {std::string(1024, 'p'), Code::kOk},
      {Repeat("\xF0\x9F\x94\x91", 2), Code::kOk},  // 2 emoji = 8 bytes
      {"", Code::kInvalidArgument},
      {"1234567", Code::kInvalidArgument},
      {"\xF0\x9F\x94\x91", Code::kInvalidArgument},  // 4 bytes: counted in bytes
      {std::string(1025, 'p'), Code::kInvalidArgument},
      {std::string(10 * 1024, 'p'), Code::kInvalidArgument},
      {"password\xC0\x80", Code::kMalformed},
      {"password\xF4\x90\x80\x80", Code::kMalformed},
      {"password\xE2\x82", Code::kMalformed},
  };
  ExpectAll(cases, ValidatePassword);
}

TEST(ValidationTest, DisplayNames) {
  const std::vector<Case> cases = {
      {"Alice", Code::kOk},
      {"A", Code::kOk},
      {"Alice Liddell", Code::kOk},
      {"\xC3\x89lodie \xF0\x9F\x8C\xB8", Code::kOk},  // Élodie 🌸
      {"\xE5\xB0\x8F\xE6\x98\x8E", Code::kOk},        // 小明
      {std::string(64, 'x'), Code::kOk},
      {Repeat("\xF0\x9F\x99\x82", 64), Code::kOk},  // 64 code points, 256 bytes
      {"", Code::kInvalidArgument},
      {std::string(65, 'x'), Code::kInvalidArgument},
      {Repeat("\xF0\x9F\x99\x82", 65), Code::kInvalidArgument},
      {std::string(10 * 1024, 'x'), Code::kInvalidArgument},
      {"Ali\0ce"s, Code::kInvalidArgument},
      {"Alice\n", Code::kInvalidArgument},
      {"Ali\tce", Code::kInvalidArgument},
      {"\x1B[31mred", Code::kInvalidArgument},  // ANSI escape
      {"del\x7F", Code::kInvalidArgument},
      {"c1\xC2\x85", Code::kInvalidArgument},  // U+0085 NEL
      {"c1\xC2\x9F", Code::kInvalidArgument},  // U+009F
      {"\xC2\xA0nbsp", Code::kOk},             // U+00A0 is not a control character
      {"Alice\xC0\x80", Code::kMalformed},     // overlong NUL
      {"Alice\xED\xBF\xBF", Code::kMalformed},
      {"Alice\x80", Code::kMalformed},
      {"Alice\xF0\x9F\x99", Code::kMalformed},
  };
  ExpectAll(cases, ValidateDisplayName);
}

TEST(ValidationTest, DeviceNames) {
  struct DeviceCase {
    std::string input;
    Code expected;
    std::string stored;
  };
  const std::vector<DeviceCase> cases = {
      {"", Code::kOk, "unknown"},
      {"cli", Code::kOk, "cli"},
      {"Firefox on Linux", Code::kOk, "Firefox on Linux"},
      {std::string(64, 'd'), Code::kOk, std::string(64, 'd')},
      {Repeat("\xE6\x89\x8B", 64), Code::kOk, Repeat("\xE6\x89\x8B", 64)},
      {std::string(65, 'd'), Code::kInvalidArgument, ""},
      {std::string(10 * 1024, 'd'), Code::kInvalidArgument, ""},
      {"cli\0"s, Code::kInvalidArgument, ""},
      {"cli\r\n", Code::kInvalidArgument, ""},
      {"cli\xFE", Code::kMalformed, ""},
  };
  for (const DeviceCase& c : cases) {
    Result<std::string> name = NormalizeDeviceName(c.input);
    if (c.expected == Code::kOk) {
      ASSERT_TRUE(name.ok()) << c.input << ": " << name.status().message();
      EXPECT_EQ(*name, c.stored);
    } else {
      ASSERT_FALSE(name.ok()) << c.input;
      EXPECT_EQ(name.status().code(), c.expected) << c.input;
    }
  }
}

TEST(ValidationTest, MessagesNeverEchoTheInput) {
  const std::string secret = "hunter2\x01secret";
  EXPECT_EQ(ValidatePassword("short").message().find("short"), std::string::npos);
  EXPECT_EQ(ValidateDisplayName(secret).message().find("hunter2"), std::string::npos);
  EXPECT_EQ(ValidateUsername(secret).message().find("hunter2"), std::string::npos);
}

TEST(ValidationTest, CanonicalUsernameFoldsAsciiOnly) {
  EXPECT_EQ(CanonicalUsername("Alice.B-42_Z"), "alice.b-42_z");
  EXPECT_EQ(CanonicalUsername("alice"), CanonicalUsername("ALICE"));
  EXPECT_EQ(CanonicalUsername("\xC3\x89"), "\xC3\x89");  // not ASCII: left alone
}

}  // namespace
}  // namespace parley::auth
