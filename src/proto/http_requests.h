// Decoding of HTTP request bodies (docs/protocol.md, "Accounts and sessions").
// Pure functions; every problem is a Status (kMalformed for shape and type errors). Value
// rules (username format, password length) belong to auth/, not here.
#ifndef PARLEY_PROTO_HTTP_REQUESTS_H_
#define PARLEY_PROTO_HTTP_REQUESTS_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::proto {

struct RegisterRequest {
  std::string username;
  std::string password;
  std::optional<std::string> display_name;  // absent: the username
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::string device;  // empty when not given
};

struct PasswordRequest {
  std::string old_password;
  std::string new_password;
};

Result<RegisterRequest> DecodeRegister(std::string_view body);
Result<LoginRequest> DecodeLogin(std::string_view body);
Result<PasswordRequest> DecodePassword(std::string_view body);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_HTTP_REQUESTS_H_
