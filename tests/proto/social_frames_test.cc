// The social wire format: request body decoding, client frames, and server frame shapes.
#include "proto/social_frames.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "proto/client_frames.h"
#include "proto/json_frames.h"

namespace parley::proto {
namespace {

using nlohmann::json;

TEST(SocialFramesTest, DecodesFriendRequests) {
  auto full = DecodeFriendRequest(R"({"to": 7, "note": "hi 🙂"})");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->to, 7);
  EXPECT_EQ(full->note, "hi 🙂");
  auto bare = DecodeFriendRequest(R"({"to": 7})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->note, "");
  for (const char* bad : {"", "[]", R"({"note":"x"})", R"({"to":"7"})", R"({"to":7,"note":1})"}) {
    EXPECT_EQ(DecodeFriendRequest(bad).status().code(), Code::kMalformed) << bad;
  }
}

TEST(SocialFramesTest, DecodesPartialProfileUpdates) {
  auto update = DecodeProfileUpdate(R"({"status_line": "", "time_zone": "UTC", "avatar": null})");
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->status_line, std::optional<std::string>(""));
  EXPECT_EQ(update->time_zone, std::optional<std::string>("UTC"));
  EXPECT_FALSE(update->avatar.has_value());
  EXPECT_FALSE(update->display_name.has_value());
  for (const char* bad : {"{}", R"({"avatar": null})", R"({"language": 5})", "nope"}) {
    EXPECT_EQ(DecodeProfileUpdate(bad).status().code(), Code::kMalformed) << bad;
  }
}

TEST(SocialFramesTest, DecodesTypingAndPresenceClientFrames) {
  auto typing = DecodeClientFrame(R"({"type":"typing","conversation_id":3})");
  ASSERT_TRUE(typing.frame.ok());
  EXPECT_EQ(std::get<TypingFrame>(*typing.frame).conversation_id, 3);
  EXPECT_EQ(DecodeClientFrame(R"({"type":"typing"})").frame.status().code(), Code::kMalformed);
  auto away = DecodeClientFrame(R"({"type":"presence","status":"away"})");
  ASSERT_TRUE(away.frame.ok());
  EXPECT_TRUE(std::get<PresenceFrame>(*away.frame).away);
  auto online = DecodeClientFrame(R"({"type":"presence","status":"online"})");
  ASSERT_TRUE(online.frame.ok());
  EXPECT_FALSE(std::get<PresenceFrame>(*online.frame).away);
  EXPECT_EQ(DecodeClientFrame(R"({"type":"presence","status":"busy"})").frame.status().code(),
            Code::kInvalidArgument);
}

TEST(SocialFramesTest, ServerFramesCarryPublicFieldsOnly) {
  store::User alice;
  alice.id = 1;
  alice.username = "alice";
  alice.display_name = "Alice";
  alice.password_hash = "$argon2id$secret";
  alice.language = "fr";
  alice.time_zone = "Europe/Paris";
  alice.status_line = "here";
  const JsonFrameEncoder encoder;
  auto encode = [&](chat::Event event) { return json::parse(*encoder.Encode(event)); };
  json profile = encode(chat::events::ProfileChanged{alice});
  EXPECT_EQ(profile, json::parse(R"({"type":"profile","user":{"id":1,"username":"alice",
      "display_name":"Alice","avatar":"","status_line":"here"}})"));

  chat::Friend added{store::Relation{alice, 5}, chat::PresenceInfo{chat::PresenceStatus::kAway, 9}};
  json frame = encode(chat::events::FriendAdded{added});
  EXPECT_EQ(frame["type"], "friend_added");
  EXPECT_EQ(frame["friend"]["since"], 5);
  EXPECT_EQ(frame["friend"]["presence"], json::parse(R"({"status":"away","last_seen_at":9})"));
  EXPECT_FALSE(frame["friend"]["user"].contains("password_hash"));

  json presence = encode(chat::events::PresenceChanged{1, {chat::PresenceStatus::kOffline, 42}});
  EXPECT_EQ(presence,
            json::parse(R"({"type":"presence","user_id":1,"status":"offline","last_seen_at":42})"));
  json typing = encode(chat::events::Typing{3, 1});
  EXPECT_EQ(typing, json::parse(R"({"type":"typing","conversation_id":3,"user_id":1})"));
  json request = encode(chat::events::FriendRequested{{1, 2, "hi", 7}, alice});
  EXPECT_EQ(request["request"],
            json::parse(R"({"from_id":1,"to_id":2,"note":"hi","created_at":7})"));
  EXPECT_EQ(request["from"]["username"], "alice");
  json declined = encode(chat::events::FriendRequestClosed{{1, 2}, true});
  EXPECT_EQ(declined, json::parse(R"({"type":"friend_request_declined","from_id":1,"to_id":2})"));
}

}  // namespace
}  // namespace parley::proto
