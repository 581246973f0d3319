// End-to-end tests of moments (docs/protocol.md, "Moments") against a real parleyd: who sees
// which moment (audiences, strangers, unfriending, blocks), the WeChat rule for likes and
// comments, deletion rights, and the live frames (moment_posted, moment_liked,
// moment_commented). Input limits and paging are in moments_input_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/e2e/moments_fixture.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

std::vector<int64_t> UserIdsOf(const json& list) {
  std::vector<int64_t> ids;
  for (const json& item : list) ids.push_back(item["user_id"].get<int64_t>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(MomentsTest, AudienceDecidesWhichFriendsSeeAMomentAndStrangersSeeNothing) {
  Befriend(kAlice, kBob);
  Befriend(kAlice, kCarol);
  const int64_t everyone = PostOk(kAlice, {{"text", "to all my friends"}});
  const int64_t only_bob = PostOk(
      kAlice, {{"text", "bob only"}, {"audience", {{"mode", "only"}, {"users", {id(kBob)}}}}});
  const int64_t not_bob = PostOk(
      kAlice, {{"text", "not bob"}, {"audience", {{"mode", "except"}, {"users", {id(kBob)}}}}});

  EXPECT_EQ(FeedIds(kAlice), (std::vector<int64_t>{not_bob, only_bob, everyone}));
  EXPECT_EQ(FeedIds(kBob), (std::vector<int64_t>{only_bob, everyone}));
  EXPECT_EQ(FeedIds(kCarol), (std::vector<int64_t>{not_bob, everyone}));
  EXPECT_TRUE(FeedIds(kDave).empty());
  // The author's page shows the same selection to each viewer.
  EXPECT_EQ(FeedIds(kBob, id(kAlice)), (std::vector<int64_t>{only_bob, everyone}));
  EXPECT_TRUE(FeedIds(kDave, id(kAlice)).empty());

  // Only the author learns the audience.
  auto mine = api(kAlice).Moment(only_bob);
  ASSERT_TRUE(IsOk(mine));
  EXPECT_EQ((*mine)["audience"]["mode"], "only");
  EXPECT_EQ((*mine)["audience"]["users"], json::array({id(kBob)}));
  auto seen = api(kBob).Moment(only_bob);
  ASSERT_TRUE(IsOk(seen));
  EXPECT_FALSE(seen->contains("audience"));
  EXPECT_EQ((*seen)["text"], "bob only");

  // A hidden moment and a missing one answer alike: ids reveal nothing.
  auto hidden = api(kDave).Moment(everyone);
  auto missing = api(kDave).Moment(everyone + 1000);
  ASSERT_EQ(CodeOf(hidden), Code::kNotFound);
  ASSERT_EQ(CodeOf(missing), Code::kNotFound);
  EXPECT_EQ(hidden.status().message(), missing.status().message());
  EXPECT_EQ(CodeOf(api(kBob).Moment(not_bob)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kDave).LikeMoment(everyone)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kDave).CommentMoment(everyone, "hi")), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kBob).DeleteMoment(everyone)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kBob).SetMomentAudience(everyone, "only", {id(kBob)})), Code::kNotFound);

  // Changing the audience takes effect at once.
  auto changed = api(kAlice).SetMomentAudience(only_bob, "except", {id(kBob)});
  ASSERT_TRUE(IsOk(changed));
  EXPECT_EQ((*changed)["audience"]["mode"], "except");
  EXPECT_EQ(FeedIds(kBob), (std::vector<int64_t>{everyone}));
  EXPECT_EQ(FeedIds(kCarol), (std::vector<int64_t>{not_bob, only_bob, everyone}));
}

TEST_F(MomentsTest, LikesAndCommentsShowOnlyToFriendsOfTheirWriter) {
  // bob and carol are alice's friends but not each other's.
  Befriend(kAlice, kBob);
  Befriend(kAlice, kCarol);
  const int64_t moment = PostOk(kAlice, {{"text", "sunset"}});
  ASSERT_TRUE(IsOk(api(kBob).LikeMoment(moment)));
  ASSERT_TRUE(IsOk(api(kBob).LikeMoment(moment)));  // twice is fine
  ASSERT_TRUE(IsOk(api(kCarol).LikeMoment(moment)));
  auto bobs = api(kBob).CommentMoment(moment, "beautiful");
  auto carols = api(kCarol).CommentMoment(moment, "where is this?");
  ASSERT_TRUE(IsOk(bobs) && IsOk(carols));

  auto as_alice = api(kAlice).Moment(moment);
  auto as_bob = api(kBob).Moment(moment);
  auto as_carol = api(kCarol).Moment(moment);
  ASSERT_TRUE(IsOk(as_alice) && IsOk(as_bob) && IsOk(as_carol));
  // The author sees everything on her moment; each friend only what their friends wrote.
  EXPECT_EQ(UserIdsOf((*as_alice)["likes"]), (std::vector<int64_t>{id(kBob), id(kCarol)}));
  EXPECT_EQ(UserIdsOf((*as_alice)["comments"]), (std::vector<int64_t>{id(kBob), id(kCarol)}));
  EXPECT_EQ(UserIdsOf((*as_bob)["likes"]), (std::vector<int64_t>{id(kBob)}));
  EXPECT_EQ(UserIdsOf((*as_bob)["comments"]), (std::vector<int64_t>{id(kBob)}));
  EXPECT_EQ(UserIdsOf((*as_carol)["likes"]), (std::vector<int64_t>{id(kCarol)}));
  EXPECT_EQ(UserIdsOf((*as_carol)["comments"]), (std::vector<int64_t>{id(kCarol)}));
  // The feed applies the same rule.
  auto feed = api(kBob).Moments();
  ASSERT_TRUE(IsOk(feed));
  EXPECT_EQ(UserIdsOf((*feed)["moments"][0]["comments"]), (std::vector<int64_t>{id(kBob)}));

  // carol cannot answer a comment she does not see.
  EXPECT_EQ(CodeOf(api(kCarol).CommentMoment(moment, "hey bob", (*bobs)["id"].get<int64_t>())),
            Code::kNotFound);

  // Once bob and carol are friends, each sees the other's.
  Befriend(kBob, kCarol);
  as_carol = api(kCarol).Moment(moment);
  ASSERT_TRUE(IsOk(as_carol));
  EXPECT_EQ(UserIdsOf((*as_carol)["likes"]), (std::vector<int64_t>{id(kBob), id(kCarol)}));
  auto reply = api(kCarol).CommentMoment(moment, "hey bob", (*bobs)["id"].get<int64_t>());
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["reply_to"], (*bobs)["id"]);
  EXPECT_EQ((*reply)["reply_to_user_id"], id(kBob));

  // Unliking removes the like.
  ASSERT_TRUE(IsOk(api(kBob).LikeMoment(moment, false)));
  as_alice = api(kAlice).Moment(moment);
  ASSERT_TRUE(IsOk(as_alice));
  EXPECT_EQ(UserIdsOf((*as_alice)["likes"]), (std::vector<int64_t>{id(kCarol)}));
}

TEST_F(MomentsTest, UnfriendingRemovesAccessAtOnce) {
  Befriend(kAlice, kBob);
  const int64_t moment = PostOk(kAlice, {{"text", "before"}});
  const std::string image = UploadImage(kAlice);
  const int64_t pictured = PostOk(kAlice, {{"media", {image}}});
  const std::string path = "/api/v1/media/" + image;
  auto download = api(kBob).Download(path);
  ASSERT_TRUE(IsOk(download));
  EXPECT_EQ(download->status, 200);
  ASSERT_TRUE(IsOk(api(kBob).Moment(moment)));

  ASSERT_TRUE(IsOk(api(kAlice).RemoveFriend(id(kBob))));
  EXPECT_EQ(CodeOf(api(kBob).Moment(moment)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kBob).LikeMoment(moment)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kBob).CommentMoment(pictured, "still here?")), Code::kNotFound);
  EXPECT_TRUE(FeedIds(kBob).empty());
  download = api(kBob).Download(path);
  ASSERT_TRUE(IsOk(download));
  EXPECT_EQ(download->status, 404);
  // A stranger never could fetch it.
  download = api(kDave).Download(path);
  ASSERT_TRUE(IsOk(download));
  EXPECT_EQ(download->status, 404);
}

TEST_F(MomentsTest, BlockingHidesMomentsBothWays) {
  Befriend(kAlice, kBob);
  const int64_t alices = PostOk(kAlice, {{"text", "alice's"}});
  const int64_t bobs = PostOk(kBob, {{"text", "bob's"}});
  ASSERT_TRUE(IsOk(api(kBob).Moment(alices)));
  ASSERT_TRUE(IsOk(api(kAlice).Moment(bobs)));

  ASSERT_TRUE(IsOk(api(kAlice).Block(id(kBob))));
  EXPECT_EQ(CodeOf(api(kBob).Moment(alices)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).Moment(bobs)), Code::kNotFound);
  EXPECT_EQ(FeedIds(kAlice), (std::vector<int64_t>{alices}));
  EXPECT_EQ(FeedIds(kBob), (std::vector<int64_t>{bobs}));
  EXPECT_TRUE(FeedIds(kBob, id(kAlice)).empty());
  // Unblocking does not make them friends again: still hidden.
  ASSERT_TRUE(IsOk(api(kAlice).Unblock(id(kBob))));
  EXPECT_EQ(CodeOf(api(kBob).Moment(alices)), Code::kNotFound);
}

TEST_F(MomentsTest, AuthorDeletesMomentOrAnyCommentAndWritersDeleteTheirOwn) {
  Befriend(kAlice, kBob);
  Befriend(kAlice, kCarol);
  Befriend(kBob, kCarol);
  const int64_t moment = PostOk(kAlice, {{"text", "party"}});
  auto bob1 = api(kBob).CommentMoment(moment, "first");
  auto bob2 = api(kBob).CommentMoment(moment, "second");
  auto carol1 = api(kCarol).CommentMoment(moment, "third");
  ASSERT_TRUE(IsOk(bob1) && IsOk(bob2) && IsOk(carol1));
  const int64_t b1 = (*bob1)["id"].get<int64_t>();
  const int64_t b2 = (*bob2)["id"].get<int64_t>();
  const int64_t c1 = (*carol1)["id"].get<int64_t>();

  // carol sees bob's comment but may not delete it; dave sees nothing.
  EXPECT_EQ(CodeOf(api(kCarol).DeleteMomentComment(moment, b1)), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(kDave).DeleteMomentComment(moment, b1)), Code::kNotFound);
  // A comment id under another moment is no comment of this one.
  const int64_t other = PostOk(kAlice, {{"text", "other"}});
  EXPECT_EQ(CodeOf(api(kAlice).DeleteMomentComment(other, b1)), Code::kNotFound);

  ASSERT_TRUE(IsOk(api(kBob).DeleteMomentComment(moment, b1)));                   // his own
  ASSERT_TRUE(IsOk(api(kAlice).DeleteMomentComment(moment, c1)));                 // on her moment
  EXPECT_EQ(CodeOf(api(kBob).DeleteMomentComment(moment, b1)), Code::kNotFound);  // gone
  auto left = api(kCarol).Moment(moment);
  ASSERT_TRUE(IsOk(left));
  ASSERT_EQ((*left)["comments"].size(), 1u);
  EXPECT_EQ((*left)["comments"][0]["id"], b2);

  ASSERT_TRUE(IsOk(api(kAlice).DeleteMoment(moment)));
  EXPECT_EQ(CodeOf(api(kAlice).Moment(moment)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kBob).Moment(moment)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).DeleteMoment(moment)), Code::kNotFound);
  EXPECT_EQ(FeedIds(kBob), (std::vector<int64_t>{other}));
}

TEST_F(MomentsTest, LikesCommentsRepliesAndNewMomentsArriveLive) {
  Befriend(kAlice, kBob);
  Befriend(kAlice, kCarol);
  Befriend(kBob, kCarol);
  auto alice_ws = Connect(kAlice);
  auto bob_ws = Connect(kBob);
  auto carol_ws = Connect(kCarol);
  ASSERT_TRUE(alice_ws && bob_ws && carol_ws);

  // A new moment reaches the friends in its audience only.
  const int64_t moment = PostOk(
      kAlice, {{"text", "live"}, {"audience", {{"mode", "except"}, {"users", {id(kCarol)}}}}});
  auto posted = bob_ws->WaitForType("moment_posted");
  ASSERT_TRUE(IsOk(posted));
  EXPECT_EQ((*posted)["moment_id"], moment);
  EXPECT_EQ((*posted)["author_id"], id(kAlice));
  EXPECT_TRUE(OfType(DrainUntilPong(*carol_ws), "moment_posted").empty());
  ASSERT_TRUE(IsOk(api(kAlice).SetMomentAudience(moment, "friends")));

  ASSERT_TRUE(IsOk(api(kBob).LikeMoment(moment)));
  auto liked = alice_ws->WaitForType("moment_liked");
  ASSERT_TRUE(IsOk(liked));
  EXPECT_EQ((*liked)["moment_id"], moment);
  EXPECT_EQ((*liked)["user_id"], id(kBob));

  auto comment = api(kBob).CommentMoment(moment, "nice");
  ASSERT_TRUE(IsOk(comment));
  auto commented = alice_ws->WaitForType("moment_commented");
  ASSERT_TRUE(IsOk(commented));
  EXPECT_EQ((*commented)["comment"]["text"], "nice");
  EXPECT_EQ((*commented)["comment"]["user_id"], id(kBob));

  // carol answers bob: bob hears of the reply, alice of the comment on her moment.
  auto reply = api(kCarol).CommentMoment(moment, "agreed", (*comment)["id"].get<int64_t>());
  ASSERT_TRUE(IsOk(reply));
  auto replied = bob_ws->WaitForType("moment_commented");
  ASSERT_TRUE(IsOk(replied));
  EXPECT_EQ((*replied)["comment"]["reply_to"], (*comment)["id"]);
  EXPECT_EQ((*replied)["comment"]["reply_to_user_id"], id(kBob));
  commented = alice_ws->WaitForType("moment_commented");
  ASSERT_TRUE(IsOk(commented));
  EXPECT_EQ((*commented)["comment"]["text"], "agreed");
  // The author's own like and comment notify nobody, and carol learned nothing of bob's.
  ASSERT_TRUE(IsOk(api(kAlice).LikeMoment(moment)));
  ASSERT_TRUE(IsOk(api(kAlice).CommentMoment(moment, "thanks")));
  EXPECT_TRUE(OfType(DrainUntilPong(*alice_ws), "moment_liked").empty());
  const auto carols = DrainUntilPong(*carol_ws);
  EXPECT_TRUE(OfType(carols, "moment_liked").empty());
  EXPECT_TRUE(OfType(carols, "moment_commented").empty());
}

}  // namespace
}  // namespace parley::e2e
