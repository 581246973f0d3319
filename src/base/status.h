// Status and Result<T>: expected failures as values at module borders.
//
// Every failure carries one Code. Each Code maps to exactly one protocol error code (its wire
// name) and one HTTP status, defined once in status.cc; docs/protocol.md lists the same table.
// Status and Result are plain values: copyable, no shared state, safe to pass across threads.
#ifndef PARLEY_BASE_STATUS_H_
#define PARLEY_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace parley {

enum class Code {
  kOk,
  kMalformed,           // not JSON, invalid UTF-8, wrong field types, missing fields
  kUnknownType,         // a frame type the server does not know
  kTooLarge,            // frame, body or message text over its configured limit
  kInvalidArgument,     // well-formed but unacceptable values (empty text, bad username)
  kUnauthenticated,     // missing, wrong, expired or revoked credentials
  kForbidden,           // authenticated but not allowed
  kBlocked,             // the other user has blocked the caller
  kNotFound,            // no such user, conversation or session
  kConflict,            // already exists (username taken)
  kGone,                // the message was deleted (edit, react or reply to a tombstone)
  kUnsupportedMedia,    // the bytes are not of a type this operation accepts
  kQuotaExceeded,       // the user's storage quota would be exceeded
  kRateLimited,         // too many requests; retry later
  kUnsupportedVersion,  // protocol version the server does not speak
  kUnavailable,         // server shutting down or overloaded; retry later
  kInternal,            // a bug or a storage failure; the request had no effect
  kAccountDisabled,     // a server admin disabled the account: no login, no session
};

// Whether `code` says the server could not do the work (a bug, a storage failure, the database
// out of reach), as opposed to refusing it (a rule, the input): work in progress stops and is
// undone.
inline bool IsServerFailure(Code code) {
  return code == Code::kInternal || code == Code::kUnavailable;
}

// The protocol's name for `code` ("not_found") and its HTTP status (404).
std::string_view CodeName(Code code);
int HttpStatusOf(Code code);

class Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  friend bool operator==(const Status&, const Status&) = default;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a failed Status. Accessing value() of a failed Result is a bug (asserts).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT
  Result(Code code, std::string message) : status_(code, std::move(message)) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace parley

#endif  // PARLEY_BASE_STATUS_H_
