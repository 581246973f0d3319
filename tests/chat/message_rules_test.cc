// Table-driven tests of the pure rules of message operations (chat/messaging/message_rules.h): what
// a reaction emoji is, and who may delete others' messages.
#include "chat/messaging/message_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::chat {
namespace {

TEST(MessageRulesTest, ReactionEmoji) {
  const std::vector<std::string> good = {
      "👍", "❤️", "❤", "🇫🇷",   "👍🏽",       "👨‍👩‍👧‍👦", "🏳️‍🌈",
      "©", "™",      "☕", "🫠", "🧑🏿‍💻"};
  for (const std::string& emoji : good) EXPECT_TRUE(IsReactionEmoji(emoji)) << emoji;
  std::string too_long = "😀";
  for (int i = 0; i < 10; ++i) too_long += "\xEF\xB8\x8F";
  const std::vector<std::string> bad = {"",
                                        "a",
                                        "A",
                                        "7",
                                        " ",
                                        "\n",
                                        "\x7F",
                                        "\xC2\x85",
                                        "👍👍",
                                        "👍 ",
                                        " 👍",
                                        "a👍",
                                        "é",
                                        "好",
                                        "\xE2\x80\x8D",
                                        "👍\xE2\x80\x8D",
                                        "\xEF\xB8\x8F",
                                        "🇫",
                                        "🇫🇷🇫",
                                        "🏽",
                                        "\xFF",
                                        "\xF0\x9F\x91",
                                        too_long,
                                        "\xE3\x80\x80",
                                        "\xE2\x80\xA8"};
  for (const std::string& emoji : bad) EXPECT_FALSE(IsReactionEmoji(emoji)) << emoji;
}

TEST(MessageRulesTest, DeletingOthersMessages) {
  using store::ConversationKind;
  using store::Role;
  struct Case {
    ConversationKind kind;
    Role actor;
    std::optional<Role> author;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {ConversationKind::kGroup, Role::kOwner, Role::kMember, true},
      {ConversationKind::kGroup, Role::kOwner, Role::kAdmin, true},
      {ConversationKind::kGroup, Role::kAdmin, Role::kMember, true},
      {ConversationKind::kGroup, Role::kAdmin, std::nullopt, true},  // a former member
      {ConversationKind::kGroup, Role::kAdmin, Role::kAdmin, false},
      {ConversationKind::kGroup, Role::kAdmin, Role::kOwner, false},
      {ConversationKind::kGroup, Role::kMember, Role::kMember, false},
      {ConversationKind::kGroup, Role::kMember, std::nullopt, false},
      {ConversationKind::kDirect, Role::kOwner, Role::kMember, false},
      {ConversationKind::kSystem, Role::kOwner, Role::kMember, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MayDeleteOthers(c.kind, c.actor, c.author), c.allowed)
        << static_cast<int>(c.kind) << " " << static_cast<int>(c.actor);
  }
}

}  // namespace
}  // namespace parley::chat
