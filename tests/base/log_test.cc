// The logging facade's two line formats (base/log_format.h): every JSON line parses, whatever
// bytes a field holds; the text format is unchanged.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/log_format.h"

namespace parley {
namespace {

using nlohmann::json;

constexpr std::string_view kStamp = "2026-12-05T15:04:49.123Z";

TEST(LogFormatTest, TextLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kStamp, LogLevel::kWarning, "started",
                          {{"port", "80"}, {"reason", "a b"}, {"empty", ""}}),
            "2026-12-05T15:04:49.123Z warn started port=80 reason=\"a b\" empty=\"\"");
}

TEST(LogFormatTest, JsonLineHasTimeLevelEventAndFields) {
  const std::string line = FormatLogLine(LogFormat::kJson, kStamp, LogLevel::kInfo, "started",
                                         {{"port", "80"}, {"host", "127.0.0.1"}});
  EXPECT_EQ(line, R"({"ts":"2026-12-05T15:04:49.123Z","level":"info","event":"started",)"
                  R"("port":"80","host":"127.0.0.1"})");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LogFormatTest, HostileFieldValuesStayOneParsableLine) {
  const std::string hostile[] = {
      std::string("quote\" backslash\\ newline\n cr\r tab\t nul") + '\0' + "end",
      "\x7f\x01\x1f",
      "invalid utf-8: \xff\xfe \xc3( \xed\xa0\x80 \xf4\x90\x80\x80",
      "ok utf-8: h\xc3\xa9llo \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80",
      "}{\"injected\":\"x\"",
  };
  for (const std::string& value : hostile) {
    const std::string line = FormatLogLine(LogFormat::kJson, kStamp, LogLevel::kError, "e",
                                           {{"value", value}, {"k\"ey\n", value}});
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    const json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(parsed.is_discarded()) << line;
    EXPECT_EQ(parsed.size(), 5u) << line;
    EXPECT_FALSE(parsed.contains("injected")) << line;
  }
  const json parsed = json::parse(FormatLogLine(LogFormat::kJson, kStamp, LogLevel::kInfo, "e",
                                                {{"v", hostile[0]}, {"u", hostile[3]}}));
  EXPECT_EQ(parsed["v"], hostile[0]);  // valid UTF-8 comes back byte for byte
  EXPECT_EQ(parsed["u"], hostile[3]);
  const json replaced = json::parse(FormatLogLine(LogFormat::kJson, kStamp, LogLevel::kInfo, "e",
                                                  {{"v",
                                                    "a\xff"
                                                    "b"}}));
  EXPECT_EQ(replaced["v"],
            "a\xef\xbf\xbd"
            "b");
}

TEST(LogFormatTest, ReservedKeysDoNotRepeat) {
  const json parsed = json::parse(FormatLogLine(LogFormat::kJson, kStamp, LogLevel::kInfo, "real",
                                                {{"event", "fake"}, {"level", "x"}, {"ts", "y"}}));
  EXPECT_EQ(parsed["event"], "real");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["field_event"], "fake");
  EXPECT_EQ(parsed["field_level"], "x");
  EXPECT_EQ(parsed["field_ts"], "y");
}

}  // namespace
}  // namespace parley
