// Unit tests of the group bodies (proto/group_bodies.h): decoders, table-driven.
#include "proto/group_bodies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::proto {
namespace {

TEST(GroupBodiesTest, DecodeNewGroup) {
  struct Case {
    std::string body;
    Code code;
  };
  const std::vector<Case> cases = {
      {R"({"name": "Team"})", Code::kOk},
      {R"({"name": "Team", "topic": "t", "is_public": true, "members": [2, 3]})", Code::kOk},
      {R"({"name": "Team", "members": null})", Code::kOk},
      {R"({})", Code::kMalformed},
      {R"({"name": 1})", Code::kMalformed},
      {R"({"name": "x", "members": [2, "3"]})", Code::kMalformed},
      {R"({"name": "x", "members": {"a": 1}})", Code::kMalformed},
      {R"({"name": "x", "is_public": "yes"})", Code::kMalformed},
      {R"(["name"])", Code::kMalformed},
      {"not json", Code::kMalformed},
  };
  for (const Case& c : cases) {
    auto group = DecodeNewGroup(c.body);
    EXPECT_EQ(group.ok() ? Code::kOk : group.status().code(), c.code) << c.body;
  }
  auto full = DecodeNewGroup(R"({"name": "Team", "is_public": true, "members": [2, 3]})");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->name, "Team");
  EXPECT_TRUE(full->is_public);
  EXPECT_EQ(full->members, (std::vector<int64_t>{2, 3}));
}

TEST(GroupBodiesTest, DecodeSmallBodies) {
  EXPECT_EQ(DecodeGroupPatch("{}").status().code(), Code::kMalformed);
  auto patch = DecodeGroupPatch(R"({"topic": ""})");
  ASSERT_TRUE(patch.ok());
  EXPECT_FALSE(patch->name);
  EXPECT_EQ(patch->topic, "");
  EXPECT_EQ(DecodeRole(R"({"role": "admin"})").value(), store::Role::kAdmin);
  EXPECT_EQ(DecodeRole(R"({"role": "member"})").value(), store::Role::kMember);
  EXPECT_EQ(DecodeRole(R"({"role": "owner"})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeRole(R"({"role": 2})").status().code(), Code::kMalformed);
  EXPECT_EQ(DecodeUsers(R"({"users": [4]})").value(), std::vector<int64_t>{4});
  EXPECT_EQ(DecodeUsers(R"({})").status().code(), Code::kMalformed);
  EXPECT_EQ(DecodeUser(R"({"user": 5})").value(), 5);
  EXPECT_EQ(DecodeMute(R"({"until": "soon"})").status().code(), Code::kMalformed);
  EXPECT_EQ(DecodeInvite("").value().ttl_ms, 0);
  EXPECT_EQ(DecodeInvite("").value().max_uses, 0);
  EXPECT_EQ(DecodeInvite(R"({"ttl_ms": 1000})").value().ttl_ms, 1000);
  EXPECT_EQ(DecodeInvite(R"({"max_uses": 3})").value().max_uses, 3);
  EXPECT_EQ(DecodeInvite(R"({"max_uses": "3"})").status().code(), Code::kMalformed);
  EXPECT_EQ(DecodeJoin(R"({"code": "abc"})").value(), "abc");
  EXPECT_EQ(DecodeJoin(R"({"code": 1})").status().code(), Code::kMalformed);
}

}  // namespace
}  // namespace parley::proto
