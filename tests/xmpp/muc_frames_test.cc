// The room frames (muc_frames.h: group changes and XMPP occupants), read back as the sessions
// read them, hostile tails refused; the node's occupancy registry (muc_occupancy.h): an
// occupant arrives with a user's first session and leaves with the last.
#include "xmpp/muc_frames.h"

#include <gtest/gtest.h>

#include "tests/chat/chat_test_support.h"
#include "xmpp/muc_occupancy.h"
#include "xmpp/xmpp_frames.h"

namespace parley::xmpp {
namespace {

chat::events::GroupChanged Change(std::string type, int64_t actor) {
  chat::events::GroupChanged changed;
  changed.message.conversation_id = 42;
  changed.change.type = std::move(type);
  changed.change.actor = actor;
  return changed;
}

// A frame read back as a session reads it; the views point into `frame`, kept here.
struct Read {
  chat::SharedFrame frame;
  Route route;
  RoomChange change;
};

std::optional<Read> ReadBack(chat::SharedFrame frame) {
  std::optional<Route> route = ReadRoute(*frame);
  if (!route) return std::nullopt;
  std::optional<RoomChange> change = ReadRoomChange(route->tail);
  if (!change) return std::nullopt;
  return Read{std::move(frame), *route, *change};
}

TEST(MucFramesTest, GroupChangesNameTheMemberTheyAreAbout) {
  chat::events::GroupChanged removed = Change("member_removed", 7);
  removed.change.users = {9};
  std::optional<Read> read = ReadBack(GroupChangedFrame(removed));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->route.kind, 'g');
  EXPECT_EQ(read->route.user_id, 9);
  EXPECT_EQ(read->route.conversation_id, 42);
  EXPECT_EQ(read->change.type, "member_removed");
  EXPECT_EQ(read->change.actor, 7);

  chat::events::GroupChanged role = Change("role_changed", 7);
  role.change.user = 9;
  role.change.role = "admin";
  read = ReadBack(GroupChangedFrame(role));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->route.user_id, 9);
  EXPECT_EQ(read->change.arg, "admin");

  // A topic is any text, newlines and markup included: it is the rest of the frame.
  chat::events::GroupChanged topic = Change("topic_changed", 7);
  topic.change.topic = "two\nlines <b>&amp;</b>";
  read = ReadBack(GroupChangedFrame(topic));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->route.user_id, 7);
  EXPECT_EQ(read->change.arg, "two\nlines <b>&amp;</b>");

  for (const char* type : {"member_left", "renamed", "group_deleted"}) {
    read = ReadBack(GroupChangedFrame(Change(type, 7)));
    ASSERT_TRUE(read) << type;
    EXPECT_EQ(read->change.type, type);
  }
  // What rooms do not show is no frame at all.
  for (const char* type : {"group_created", "member_added", "visibility_changed", "muted"}) {
    EXPECT_TRUE(GroupChangedFrame(Change(type, 7))->empty()) << type;
  }
  // A role change without its role or user is not shown.
  EXPECT_TRUE(GroupChangedFrame(Change("role_changed", 7))->empty());
}

TEST(MucFramesTest, OccupantMovesRoundTripAndHostileTailsAreRefused) {
  const chat::SharedFrame entered = OccupantFrame(42, 9, "carol", store::Role::kAdmin, true);
  std::optional<Route> route = ReadRoute(*entered);
  ASSERT_TRUE(route);
  EXPECT_EQ(route->kind, 'o');
  std::optional<OccupantMove> move = ReadOccupantMove(route->tail);
  ASSERT_TRUE(move);
  EXPECT_EQ(move->role, store::Role::kAdmin);
  EXPECT_TRUE(move->present);
  EXPECT_EQ(move->username, "carol");
  const chat::SharedFrame left = OccupantFrame(42, 9, "carol", store::Role::kOwner, false);
  route = ReadRoute(*left);
  ASSERT_TRUE(route);
  move = ReadOccupantMove(route->tail);
  ASSERT_TRUE(move);
  EXPECT_FALSE(move->present);
  EXPECT_EQ(move->role, store::Role::kOwner);

  for (std::string_view tail : {"", "admin", "admin 1", "admin 1 ", "king 1 carol", "admin 1x"}) {
    EXPECT_FALSE(ReadOccupantMove(tail)) << tail;
  }
  for (std::string_view tail : {"", "renamed", "renamed 7", "renamed x\n", "renamed 7x\n",
                                "renamed\n7 ", "renamed 99999999999999999999\n"}) {
    EXPECT_FALSE(ReadRoomChange(tail)) << tail;
  }
  EXPECT_FALSE(RoleNamed("Owner"));
  EXPECT_EQ(RoleNamed("member"), store::Role::kMember);
}

TEST(MucOccupancyTest, AnOccupantIsAUserWithOneOrMoreSessions) {
  chat::CountingEncoder encoder;
  auto phone = std::make_shared<chat::TestDevice>(encoder);
  auto laptop = std::make_shared<chat::TestDevice>(encoder);
  auto other = std::make_shared<chat::TestDevice>(encoder);
  MucOccupancy occupancy;
  EXPECT_TRUE(occupancy.Join(1, {7, "alice"}, phone));
  EXPECT_FALSE(occupancy.Join(1, {7, "alice"}, laptop));  // the same occupant
  EXPECT_TRUE(occupancy.Join(1, {8, "bob"}, other));
  EXPECT_TRUE(occupancy.Join(2, {7, "alice"}, laptop));  // another room
  EXPECT_EQ(occupancy.Occupants(1, 10).size(), 2u);
  EXPECT_EQ(occupancy.Occupants(1, 1).size(), 1u);  // capped

  occupancy.Deliver(1, phone.get(), chat::MakeFrame("o 7 1\nmember 1 alice"));
  EXPECT_TRUE(phone->frames().empty());
  EXPECT_EQ(laptop->frames().size(), 1u);
  EXPECT_EQ(other->frames().size(), 1u);

  EXPECT_FALSE(occupancy.Leave(1, 7, phone.get()));  // the laptop is still in
  EXPECT_FALSE(occupancy.Leave(1, 7, phone.get()));  // twice: nothing
  EXPECT_TRUE(occupancy.Leave(1, 7, laptop.get()));
  EXPECT_EQ(occupancy.Occupants(1, 10).size(), 1u);
  // A session that is gone without leaving is not an occupant.
  other.reset();
  EXPECT_TRUE(occupancy.Occupants(1, 10).empty());
  EXPECT_FALSE(occupancy.Leave(3, 7, laptop.get()));  // a room never joined
}

}  // namespace
}  // namespace parley::xmpp
