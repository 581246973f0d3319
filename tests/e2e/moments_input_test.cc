// End-to-end tests of moments' input and paging (docs/protocol.md, "Moments") against a real
// parleyd: malformed, oversized and hostile bodies and queries each get their typed error,
// media must be the poster's own images (or one video), and feed pages stay stable while new
// moments arrive.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/e2e/moments_fixture.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

// The error code of a raw request's response ("" when it succeeded).
std::string ErrorCodeOf(const Result<client::HttpResponse>& response) {
  if (!response.ok() || response->status < 400 || !response->body.is_object()) return "";
  return response->body.value("error", json::object()).value("code", "");
}

TEST_F(MomentsTest, BadPostsGetTypedErrors) {
  auto post = [&](const json& fields) { return CodeOf(api(kAlice).PostMoment(fields)); };
  EXPECT_EQ(post({{"text", std::string(4001, 'a')}}), Code::kTooLarge);
  EXPECT_EQ(post({{"text", "ok"}, {"location", std::string(201, 'x')}}), Code::kTooLarge);
  EXPECT_EQ(post(json::object()), Code::kInvalidArgument);  // nothing to post
  EXPECT_EQ(post({{"text", ""}}), Code::kInvalidArgument);
  EXPECT_EQ(post({{"text", "bell\x07"}}), Code::kInvalidArgument);
  EXPECT_EQ(post({{"text", "ok"}, {"location", "two\nlines"}}), Code::kInvalidArgument);
  EXPECT_EQ(post({{"text", 5}}), Code::kMalformed);
  EXPECT_EQ(post({{"media", "m_1"}}), Code::kMalformed);
  EXPECT_EQ(post({{"media", {1, 2}}}), Code::kMalformed);
  EXPECT_EQ(post({{"text", "ok"}, {"audience", "friends"}}), Code::kMalformed);
  EXPECT_EQ(post({{"text", "ok"}, {"audience", {{"mode", "enemies"}}}}), Code::kMalformed);
  EXPECT_EQ(post({{"text", "ok"}, {"audience", {{"mode", "only"}}}}), Code::kInvalidArgument);
  EXPECT_EQ(post({{"text", "ok"}, {"audience", {{"mode", "only"}, {"users", {-3}}}}}),
            Code::kInvalidArgument);
  EXPECT_EQ(post({{"text", "ok"}, {"audience", {{"mode", "friends"}, {"users", {id(kBob)}}}}}),
            Code::kInvalidArgument);
  std::vector<int64_t> crowd(1001);
  for (size_t i = 0; i < crowd.size(); ++i) crowd[i] = static_cast<int64_t>(i) + 1;
  EXPECT_EQ(post({{"text", "ok"}, {"audience", {{"mode", "except"}, {"users", crowd}}}}),
            Code::kTooLarge);

  // Not JSON at all, and a body over the server's limit.
  auto raw = api(kAlice).Request("POST", "/api/v1/moments", std::string("{\"text\": "));
  EXPECT_EQ(ErrorCodeOf(raw), "malformed");
  raw = api(kAlice).Request("POST", "/api/v1/moments",
                            json{{"text", std::string(70 * 1024, 'a')}}.dump());
  EXPECT_EQ(ErrorCodeOf(raw), "too_large");

  // Nothing was stored by any of these.
  EXPECT_TRUE(FeedIds(kAlice).empty());
}

TEST_F(MomentsTest, MediaMustBeThePostersOwnImagesAtMostNine) {
  std::vector<std::string> images;
  for (int i = 0; i < 10; ++i) images.push_back(UploadImage(kAlice));
  const std::vector<std::string> nine(images.begin(), images.begin() + 9);
  EXPECT_EQ(CodeOf(api(kAlice).PostMoment({{"media", images}})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kAlice).PostMoment({{"media", {images[0], images[0]}}})),
            Code::kInvalidArgument);
  const std::string bobs = UploadImage(kBob);
  EXPECT_EQ(CodeOf(api(kAlice).PostMoment({{"media", {images[0], bobs}}})), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).PostMoment({{"media", {"m_00000000000000000000000000000000"}}})),
            Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kAlice).PostMoment({{"media", {std::string(5000, 'm')}}})), Code::kNotFound);
  auto file = api(kAlice).Upload("notes.txt", "file", "plain text, not a picture");
  ASSERT_TRUE(IsOk(file));
  EXPECT_EQ(CodeOf(api(kAlice).PostMoment({{"media", json::array({(*file)["id"]})}})),
            Code::kUnsupportedMedia);
  EXPECT_TRUE(FeedIds(kAlice).empty());

  auto moment = api(kAlice).PostMoment({{"text", "nine"}, {"media", nine}, {"location", "Lyon"}});
  ASSERT_TRUE(IsOk(moment));
  ASSERT_EQ((*moment)["media"].size(), 9u);
  for (size_t i = 0; i < nine.size(); ++i) {
    EXPECT_EQ((*moment)["media"][i]["id"], nine[i]);
    EXPECT_EQ((*moment)["media"][i]["kind"], "image");
  }
  EXPECT_EQ((*moment)["location"], "Lyon");
}

TEST_F(MomentsTest, BadCommentsAndQueriesGetTypedErrors) {
  Befriend(kAlice, kBob);
  const int64_t moment = PostOk(kAlice, {{"text", "hello"}});
  const int64_t other = PostOk(kAlice, {{"text", "other"}});
  auto elsewhere = api(kBob).CommentMoment(other, "on the other one");
  ASSERT_TRUE(IsOk(elsewhere));
  EXPECT_EQ(CodeOf(api(kBob).CommentMoment(moment, std::string(1001, 'c'))), Code::kTooLarge);
  EXPECT_EQ(CodeOf(api(kBob).CommentMoment(moment, "")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kBob).CommentMoment(moment, "x", 987654)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kBob).CommentMoment(moment, "x", (*elsewhere)["id"].get<int64_t>())),
            Code::kNotFound);
  auto raw = api(kBob).Request("POST", "/api/v1/moments/" + std::to_string(moment) + "/comments",
                               std::string(R"({"text": 1})"));
  EXPECT_EQ(ErrorCodeOf(raw), "malformed");
  raw = api(kBob).Request("POST", "/api/v1/moments/" + std::to_string(moment) + "/comments",
                          std::string(R"({"text": "x", "reply_to": "one"})"));
  EXPECT_EQ(ErrorCodeOf(raw), "malformed");
  raw = api(kAlice).Request("PUT", "/api/v1/moments/" + std::to_string(moment) + "/audience",
                            std::string(R"({"mode": "only", "users": "bob"})"));
  EXPECT_EQ(ErrorCodeOf(raw), "malformed");

  for (const char* query : {"?limit=0", "?limit=51", "?limit=-1", "?limit=99999999999"}) {
    EXPECT_EQ(ErrorCodeOf(api(kBob).Request("GET", std::string("/api/v1/moments") + query)),
              "invalid_argument")
        << query;
  }
  for (const char* query : {"?before=abc", "?before=-5", "?limit=1e3"}) {
    EXPECT_EQ(ErrorCodeOf(api(kBob).Request("GET", std::string("/api/v1/moments") + query)),
              "malformed")
        << query;
  }
  for (const char* path : {"/api/v1/moments/abc", "/api/v1/moments/0", "/api/v1/moments/-1",
                           "/api/v1/moments/99999999999999999999"}) {
    EXPECT_EQ(ErrorCodeOf(api(kBob).Request("GET", path)), "not_found") << path;
  }
  EXPECT_EQ(ErrorCodeOf(api(kBob).Request("GET", "/api/v1/moments/users/abc")), "not_found");
  // Without a token nothing is served.
  auto anonymous = ApiFor(*server_);
  auto response = anonymous->Request("GET", "/api/v1/moments");
  ASSERT_TRUE(IsOk(response));
  EXPECT_EQ(response->status, 401);
}

TEST_F(MomentsTest, FeedPagesStayStableWhileNewMomentsArrive) {
  Befriend(kAlice, kBob);
  Befriend(kCarol, kBob);
  std::vector<int64_t> posted;  // alternating authors, some hidden from bob
  for (int i = 0; i < 30; ++i) {
    json fields = {{"text", "moment " + std::to_string(i)}};
    if (i % 5 == 4) fields["audience"] = {{"mode", "except"}, {"users", {id(kBob)}}};
    const int64_t moment = PostOk(i % 2 == 0 ? kAlice : kCarol, fields);
    if (i % 5 != 4) posted.push_back(moment);
  }
  auto first = api(kBob).Moments(0, "", 10);
  ASSERT_TRUE(IsOk(first));
  ASSERT_EQ((*first)["moments"].size(), 10u);
  ASSERT_TRUE(first->contains("next"));
  // New moments while bob pages do not shift what follows.
  for (int i = 0; i < 5; ++i) PostOk(kAlice, {{"text", "late " + std::to_string(i)}});

  std::vector<int64_t> seen;
  for (const auto& moment : (*first)["moments"]) seen.push_back(moment["id"].get<int64_t>());
  std::string before = (*first)["next"].get<std::string>();
  for (;;) {
    auto page = api(kBob).Moments(0, before, 10);
    ASSERT_TRUE(IsOk(page));
    for (const auto& moment : (*page)["moments"]) seen.push_back(moment["id"].get<int64_t>());
    if (!page->contains("next")) break;
    before = (*page)["next"].get<std::string>();
  }
  const std::vector<int64_t> expected(posted.rbegin(), posted.rend());
  EXPECT_EQ(seen, expected);  // newest first, each once, the late ones on no page
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
}

}  // namespace
}  // namespace parley::e2e
