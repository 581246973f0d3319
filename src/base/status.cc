#include "base/status.h"

namespace parley {
namespace {

struct CodeInfo {
  Code code;
  std::string_view name;
  int http_status;
};

// The one table of error codes. docs/protocol.md ("Error codes") mirrors it.
constexpr CodeInfo kCodes[] = {
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

const CodeInfo& InfoOf(Code code) {
  for (const CodeInfo& info : kCodes) {
    if (info.code == code) return info;
  }
  return kCodes[sizeof(kCodes) / sizeof(kCodes[0]) - 1];
}

}  // namespace

std::string_view CodeName(Code code) { return InfoOf(code).name; }
int HttpStatusOf(Code code) { return InfoOf(code).http_status; }

}  // namespace parley
