#include "auth/validation.h"

#include <optional>

#include "base/utf8.h"

namespace parley::auth {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Unicode category Cc: C0 controls, DEL and C1 controls.
bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Shared by display and device names: valid UTF-8, at most `max_chars` code points, no control
// characters. `what` names the field in messages.
Status CheckName(std::string_view name, size_t max_chars, std::string_view what) {
  size_t chars = 0;
  size_t pos = 0;
  while (pos < name.size()) {
    const std::optional<DecodedCodePoint> decoded = DecodeUtf8At(name, pos);
    if (!decoded) return Status(Code::kMalformed, std::string(what) + " is not valid UTF-8");
    if (IsControl(decoded->code_point)) {
      return Status(Code::kInvalidArgument,
                    std::string(what) + " must not contain control characters");
    }
    pos += decoded->length;
    ++chars;
  }
  if (chars > max_chars) {
    return Status(Code::kInvalidArgument, std::string(what) + " must be at most " +
                                              std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateUsername(std::string_view username) {
  if (!IsValidUtf8(username)) return Status(Code::kMalformed, "username is not valid UTF-8");
  for (char c : username) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '.' && c != '-') {
      return Status(Code::kInvalidArgument,
                    "username may contain only letters A-Z a-z, digits, '_', '.' and '-'");
    }
  }
  // All ASCII from here on, so bytes are characters.
  if (username.size() < kMinUsernameLength || username.size() > kMaxUsernameLength) {
    return Status(Code::kInvalidArgument, "username must be 3 to 32 characters");
  }
  if (!IsAsciiAlnum(username.front())) {
    return Status(Code::kInvalidArgument, "username must start with a letter or a digit");
  }
  return Status::Ok();
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return Status(Code::kInvalidArgument, "password must be 8 to 1024 bytes long");
  }
  if (!IsValidUtf8(password)) return Status(Code::kMalformed, "password is not valid UTF-8");
  return Status::Ok();
}

Status ValidateDisplayName(std::string_view display_name) {
  if (display_name.empty()) {
    return Status(Code::kInvalidArgument, "display name must not be empty");
  }
  return CheckName(display_name, kMaxDisplayNameChars, "display name");
}

Result<std::string> NormalizeDeviceName(std::string_view device_name) {
  if (device_name.empty()) return std::string(kUnknownDeviceName);
  Status status = CheckName(device_name, kMaxDeviceNameChars, "device name");
  if (!status.ok()) return status;
  return std::string(device_name);
}

std::string CanonicalUsername(std::string_view username) {
  std::string canonical(username);
  for (char& c : canonical) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return canonical;
}

}  // namespace parley::auth
