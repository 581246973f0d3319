// Unit tests of the stored text of group events (chat/groups/group_event_text.h).
#include "chat/groups/group_event_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace parley::chat {
namespace {

TEST(GroupEventTextTest, IsJsonWithTheFieldsOfItsType) {
  GroupEvent added;
  added.type = "member_added";
  added.actor = 1;
  added.users = {2, 3};
  added.via = "invite";
  EXPECT_EQ(nlohmann::json::parse(GroupEventText(added)),
            nlohmann::json::parse(
                R"({"type": "member_added", "actor": 1, "users": [2, 3], "via": "invite"})"));
  GroupEvent renamed;
  renamed.type = "renamed";
  renamed.actor = 1;
  renamed.name = "Quote \" and \\ backslash";
  auto parsed = nlohmann::json::parse(GroupEventText(renamed));
  EXPECT_EQ(parsed["name"], "Quote \" and \\ backslash");
  EXPECT_FALSE(parsed.contains("users"));
}

}  // namespace
}  // namespace parley::chat
