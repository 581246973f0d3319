// What the HTTP request log keeps of a target (net/request_log.h).
#include "net/request_log.h"

#include <gtest/gtest.h>

#include <set>

namespace parley::net {
namespace {

TEST(RequestLogTest, LoggedPathKeepsWordsAndNumbersOnly) {
  struct Case {
    const char* target;
    const char* logged;
  };
  for (const Case& c : std::vector<Case>{
           {"/", "/"},
           {"/healthz", "/healthz"},
           {"/api/v1/conversations/42/messages?before=9", "/api/v1/conversations/42/messages"},
           {"/api/v1/invites/Xy7Qz9", "/api/v1/invites/*"},
           {"/api/v1/groups/join/3fa9c2d1e0b47a65", "/api/v1/groups/join/*"},
           {"/api/v1/groups/join/deadbeefcafe", "/api/v1/groups/join/deadbeefcafe"},
           {"/api/v1/users/bob123", "/api/v1/users/*"},
           {"/api/v1/x/12345678901234567890", "/api/v1/x/*"},
           {"/api/v1/uploads/u_9a1b2c3d", "/api/v1/uploads/*"},
           {"/api/v1/media/m_5f0c3e/thumbnail", "/api/v1/media/*/thumbnail"},
           {"/api/v1/users/alice", "/api/v1/users/alice"},
           {"/api/v1/users/Alice.Smith", "/api/v1/users/*"},
           {"/a%20b/secret=1", "/*/*"},
           {"/api/v1/sessions?token=abc", "/api/v1/sessions"},
           {"/a/b/c/d/e/f/g/h/i/j", "/a/b/c/d/e/f/g/h/..."},
           {"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/*"},  // 33 letters
           {"http://evil/x", "*"},
           {"*", "*"},
           {"", "/"},
       }) {
    EXPECT_EQ(LoggedPath(c.target), c.logged) << c.target;
  }
}

TEST(RequestLogTest, RequestIdsAreHexAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 16u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace parley::net
