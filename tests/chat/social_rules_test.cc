// Table-driven tests of the social input rules (chat/social/social_rules.h).
#include "chat/social/social_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::chat {
namespace {

struct Case {
  std::string input;
  Code expected;
};

void Check(Status (*validate)(std::string_view), const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(validate(c.input).code(), c.expected) << "input: \"" << c.input << "\"";
  }
}

TEST(SocialRulesTest, Note) {
  Check(&ValidateNote, {{"", Code::kOk},
                        {"hello, let's be friends 🙂", Code::kOk},
                        {std::string(256, 'x'), Code::kOk},
                        {std::string(257, 'x'), Code::kTooLarge},
                        {"line\nbreak", Code::kInvalidArgument}});
}

TEST(SocialRulesTest, Avatar) {
  Check(&ValidateAvatar, {{"", Code::kOk},
                          {"https://example.com/a.png", Code::kOk},
                          {"media:12345", Code::kOk},
                          {std::string(512, 'a'), Code::kOk},
                          {std::string(513, 'a'), Code::kTooLarge},
                          {"has space", Code::kInvalidArgument},
                          {"tab\there", Code::kInvalidArgument}});
}

TEST(SocialRulesTest, StatusLineCountsCharacters) {
  std::string emoji_140;
  for (int i = 0; i < 140; ++i) emoji_140 += "é";  // 2 bytes each: 280 bytes, 140 characters
  Check(&ValidateStatusLine, {{"", Code::kOk},
                              {"at the gym", Code::kOk},
                              {emoji_140, Code::kOk},
                              {emoji_140 + "x", Code::kTooLarge},
                              {"bell\x07", Code::kInvalidArgument}});
}

TEST(SocialRulesTest, Language) {
  Check(&ValidateLanguage, {{"", Code::kOk},
                            {"en", Code::kOk},
                            {"fra", Code::kOk},
                            {"zh-CN", Code::kOk},
                            {"zh-Hant-TW", Code::kOk},
                            {"es-419", Code::kOk},
                            {"e", Code::kInvalidArgument},
                            {"engl", Code::kInvalidArgument},
                            {"en_US", Code::kInvalidArgument},
                            {"en-", Code::kInvalidArgument},
                            {"-en", Code::kInvalidArgument},
                            {"12", Code::kInvalidArgument},
                            {"en-toolongsubtag", Code::kInvalidArgument},
                            {std::string(36, 'a'), Code::kInvalidArgument}});
}

TEST(SocialRulesTest, TimeZone) {
  Check(&ValidateTimeZone, {{"", Code::kOk},
                            {"UTC", Code::kOk},
                            {"Europe/Paris", Code::kOk},
                            {"America/Argentina/Salta", Code::kOk},
                            {"Etc/GMT+5", Code::kOk},
                            {"America/Port-au-Prince", Code::kOk},
                            {"Paris", Code::kInvalidArgument},
                            {"europe/paris", Code::kInvalidArgument},
                            {"Europe/", Code::kInvalidArgument},
                            {"Europe//Paris", Code::kInvalidArgument},
                            {"Europe/Pa ris", Code::kInvalidArgument},
                            {"A/B/C/D", Code::kInvalidArgument},
                            {"Europe/../etc", Code::kInvalidArgument},
                            {"utc", Code::kInvalidArgument}});
}

TEST(SocialRulesTest, ProfileUpdateChecksEveryGivenField) {
  store::ProfileUpdate update;
  EXPECT_TRUE(ValidateProfileUpdate(update).ok());
  update.display_name = "";
  EXPECT_EQ(ValidateProfileUpdate(update).code(), Code::kInvalidArgument);
  update.display_name = "Alice";
  update.time_zone = "Nowhere";
  EXPECT_EQ(ValidateProfileUpdate(update).code(), Code::kInvalidArgument);
  update.time_zone = "Asia/Tokyo";
  update.status_line = std::string(141, 'x');
  EXPECT_EQ(ValidateProfileUpdate(update).code(), Code::kTooLarge);
  update.status_line = "ok";
  EXPECT_TRUE(ValidateProfileUpdate(update).ok());
}

}  // namespace
}  // namespace parley::chat
