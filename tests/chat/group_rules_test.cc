// Unit tests of the group input rules (chat/groups/group_rules.h), table-driven.
#include "chat/groups/group_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::chat {
namespace {

TEST(GroupRulesTest, Names) {
  struct Case {
    std::string input;
    Code code;
    std::string stored;
  };
  const std::vector<Case> cases = {
      {"Team", Code::kOk, "Team"},
      {"  padded \t", Code::kOk, "padded"},
      {"日本語のグループ", Code::kOk, "日本語のグループ"},
      {std::string(64, 'x'), Code::kOk, std::string(64, 'x')},
      {std::string(65, 'x'), Code::kInvalidArgument, ""},
      {"", Code::kInvalidArgument, ""},
      {"   ", Code::kInvalidArgument, ""},
      {"bad\x01name", Code::kInvalidArgument, ""},
      {"bad\xff", Code::kMalformed, ""},
  };
  for (const Case& c : cases) {
    auto name = NormalizeGroupName(c.input);
    EXPECT_EQ(name.ok() ? Code::kOk : name.status().code(), c.code) << c.input;
    if (name.ok()) {
      EXPECT_EQ(*name, c.stored);
    }
  }
  // 64 code points of 3 bytes each are fine: the limit counts characters, not bytes.
  std::string wide;
  for (int i = 0; i < 64; ++i) wide += "語";
  EXPECT_TRUE(NormalizeGroupName(wide).ok());
  EXPECT_EQ(NormalizeGroupName(wide + "語").status().code(), Code::kInvalidArgument);
}

TEST(GroupRulesTest, Topics) {
  EXPECT_TRUE(ValidateGroupTopic("").ok());
  EXPECT_TRUE(ValidateGroupTopic(std::string(512, 't')).ok());
  EXPECT_EQ(ValidateGroupTopic(std::string(513, 't')).code(), Code::kTooLarge);
  EXPECT_EQ(ValidateGroupTopic("bad\xff").code(), Code::kMalformed);
}

TEST(GroupRulesTest, UserLists) {
  EXPECT_TRUE(ValidateUserList({1, 2, 3}).ok());
  EXPECT_EQ(ValidateUserList({}).code(), Code::kInvalidArgument);
  EXPECT_EQ(ValidateUserList({1, 2, 1}).code(), Code::kConflict);
  EXPECT_EQ(ValidateUserList(std::vector<int64_t>(1001, 0)).code(), Code::kInvalidArgument);
}

TEST(GroupRulesTest, WhoManagesWhom) {
  using store::Role;
  struct Case {
    Role actor;
    Role target;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {Role::kOwner, Role::kAdmin, true},    {Role::kOwner, Role::kMember, true},
      {Role::kOwner, Role::kOwner, false},   {Role::kAdmin, Role::kMember, true},
      {Role::kAdmin, Role::kAdmin, false},   {Role::kAdmin, Role::kOwner, false},
      {Role::kMember, Role::kMember, false}, {Role::kMember, Role::kOwner, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CanManage(c.actor, c.target), c.allowed)
        << RoleName(c.actor) << " -> " << RoleName(c.target);
  }
}

}  // namespace
}  // namespace parley::chat
