#include "client/wire_codes.h"

#include <string>

namespace parley::client {
namespace {

constexpr Code kAllCodes[] = {
    Code::kMalformed,        Code::kUnknownType,
    Code::kTooLarge,         Code::kInvalidArgument,
    Code::kUnauthenticated,  Code::kForbidden,
    Code::kBlocked,          Code::kNotFound,
    Code::kConflict,         Code::kGone,
    Code::kUnsupportedMedia, Code::kQuotaExceeded,
    Code::kRateLimited,      Code::kUnsupportedVersion,
    Code::kUnavailable,      Code::kInternal,
    Code::kAccountDisabled,
};

// The first code with this HTTP status; codes sharing a status (400) fall back to the first.
Code CodeFromHttpStatus(int http_status) {
  for (Code code : kAllCodes) {
    if (HttpStatusOf(code) == http_status) return code;
  }
  return http_status >= 500 ? Code::kUnavailable : Code::kInternal;
}

std::string StringField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Code CodeFromName(std::string_view name) {
  for (Code code : kAllCodes) {
    if (CodeName(code) == name) return code;
  }
  return Code::kInternal;
}

Status StatusFromHttpError(int http_status, const nlohmann::json& body) {
  if (body.is_object() && body.contains("error")) {
    const nlohmann::json& error = body["error"];
    std::string code = StringField(error, "code");
    if (!code.empty()) return Status(CodeFromName(code), StringField(error, "message"));
  }
  return Status(CodeFromHttpStatus(http_status), "HTTP " + std::to_string(http_status));
}

Status StatusFromErrorFrame(const nlohmann::json& frame) {
  std::string code = StringField(frame, "code");
  return Status(code.empty() ? Code::kInternal : CodeFromName(code), StringField(frame, "message"));
}

Status StatusFromClose(int close_code, std::string_view reason) {
  Code code = Code::kUnavailable;
  switch (close_code) {
    case 1000:
    case 1001:
      return Status::Ok();
    case 1009:
      code = Code::kTooLarge;
      break;
    case 4000:
      code = Code::kMalformed;
      break;
    case 4001:
      code = Code::kUnauthenticated;
      break;
    case 4029:
      code = Code::kRateLimited;
      break;
    default:  // 4008 slow_consumer, 1006 connection lost, ...
      break;
  }
  std::string message = "connection closed (" + std::to_string(close_code);
  if (!reason.empty()) message += " " + std::string(reason);
  return Status(code, message + ")");
}

std::string FormatStatus(const Status& status) {
  std::string text(CodeName(status.code()));
  if (!status.message().empty()) text += ": " + status.message();
  return text;
}

}  // namespace parley::client
