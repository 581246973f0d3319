#include "base/status.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(StatusTest, EveryCodeHasANameAndHttpStatus) {
  struct Row {
    Code code;
    std::string_view name;
    int http;
  };
  const Row rows[] = {
      {Code::kOk, "ok", 200},
      {Code::kMalformed, "malformed", 400},
      {Code::kUnknownType, "unknown_type", 400},
      {Code::kTooLarge, "too_large", 413},
      {Code::kInvalidArgument, "invalid_argument", 422},
      {Code::kUnauthenticated, "unauthenticated", 401},
      {Code::kForbidden, "forbidden", 403},
      {Code::kBlocked, "blocked", 403},
      {Code::kNotFound, "not_found", 404},
      {Code::kConflict, "conflict", 409},
      {Code::kGone, "gone", 410},
      {Code::kUnsupportedMedia, "unsupported_media", 415},
      {Code::kQuotaExceeded, "quota_exceeded", 413},
      {Code::kRateLimited, "rate_limited", 429},
      {Code::kUnsupportedVersion, "unsupported_version", 400},
      {Code::kUnavailable, "unavailable", 503},
      {Code::kAccountDisabled, "account_disabled", 403},
      {Code::kInternal, "internal", 500},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(CodeName(row.code), row.name);
    EXPECT_EQ(HttpStatusOf(row.code), row.http);
  }
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad(Code::kNotFound, "nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kNotFound);
  EXPECT_EQ(bad.status().message(), "nope");
}

}  // namespace
}  // namespace parley
