// Account input rules from docs/protocol.md ("Accounts and sessions").
//
// Each check returns OK or a Status with a message fit to show the user: kMalformed for invalid
// UTF-8 (the protocol's rule everywhere), kInvalidArgument for everything else. Messages never
// echo the input (it may be a password). All functions are pure and thread-safe.
#ifndef PARLEY_AUTH_VALIDATION_H_
#define PARLEY_AUTH_VALIDATION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::auth {

inline constexpr size_t kMinUsernameLength = 3;  // characters, all ASCII
inline constexpr size_t kMaxUsernameLength = 32;
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;
inline constexpr size_t kMaxDisplayNameChars = 64;  // code points
inline constexpr size_t kMaxDeviceNameChars = 64;   // code points
inline constexpr std::string_view kUnknownDeviceName = "unknown";

// 3 to 32 characters from A-Z a-z 0-9 _ . -, starting with a letter or digit.
Status ValidateUsername(std::string_view username);

// 8 to 1024 bytes of valid UTF-8. Any character is allowed, NUL and spaces included.
Status ValidatePassword(std::string_view password);

// 1 to 64 code points of valid UTF-8 without control characters (Unicode category Cc).
Status ValidateDisplayName(std::string_view display_name);

// The device name to store: up to 64 code points of valid UTF-8 without control characters;
// an empty name becomes "unknown".
Result<std::string> NormalizeDeviceName(std::string_view device_name);

// The form in which usernames are unique: ASCII letters folded to lower case.
std::string CanonicalUsername(std::string_view username);

}  // namespace parley::auth

#endif  // PARLEY_AUTH_VALIDATION_H_
