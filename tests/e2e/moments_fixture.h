// The fixture of the moments end-to-end tests (moments_*_test.cc): a real parleyd with four
// users, alice, bob, carol and dave (indexes 0..3), none of them friends yet, and helpers to
// befriend them, upload images and post moments. Test-only; one thread.
#ifndef PARLEY_TESTS_E2E_MOMENTS_FIXTURE_H_
#define PARLEY_TESTS_E2E_MOMENTS_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/media/media_samples.h"

namespace parley::e2e {

template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}
inline Code CodeOf(const Status& status) { return status.code(); }

class MomentsTest : public ::testing::Test {
 protected:
  enum User { kAlice = 0, kBob = 1, kCarol = 2, kDave = 3 };

  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (const char* name : {"alice", "bob", "carol", "dave"}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      users_.push_back(std::move(created).value());
    }
    for (const TestUser& user : users_) apis_.push_back(ApiFor(*server_, &user));
  }

  client::HttpApi& api(int user) { return *apis_[user]; }
  int64_t id(int user) const { return users_[user].id; }

  void Befriend(int a, int b) {
    ASSERT_TRUE(IsOk(api(a).SendFriendRequest(id(b))));
    ASSERT_TRUE(IsOk(api(b).AcceptFriendRequest(id(a))));
  }

  std::unique_ptr<client::WsClient> Connect(int user) {
    auto ws = ConnectUser(*server_, users_[user]);
    EXPECT_TRUE(IsOk(ws)) << server_->output();
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  // A small PNG uploaded by `user`: its media id.
  std::string UploadImage(int user, int size = 8) {
    auto media =
        api(user).Upload("photo.png", "image", media::testing::EncodeImage("png", size, size));
    EXPECT_TRUE(IsOk(media)) << server_->output();
    return media.ok() ? (*media)["id"].get<std::string>() : "";
  }

  // Posts a moment with `fields` as `user`; its id (0 after a failed assertion).
  int64_t PostOk(int user, const nlohmann::json& fields) {
    auto moment = api(user).PostMoment(fields);
    EXPECT_TRUE(IsOk(moment)) << server_->output();
    return moment.ok() ? (*moment)["id"].get<int64_t>() : 0;
  }

  // The ids of the moments in `user`'s feed (or `author`'s page), newest first: every page.
  std::vector<int64_t> FeedIds(int user, int64_t author = 0) {
    std::vector<int64_t> ids;
    std::string before;
    for (;;) {
      auto page = api(user).Moments(author, before, 50);
      EXPECT_TRUE(IsOk(page));
      if (!page.ok()) return ids;
      for (const auto& moment : (*page)["moments"]) ids.push_back(moment["id"].get<int64_t>());
      if (!page->contains("next")) return ids;
      before = (*page)["next"].get<std::string>();
    }
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_MOMENTS_FIXTURE_H_
