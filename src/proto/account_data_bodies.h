// The user's own data over HTTP (docs/protocol.md, "Downloading my data" and "Deleting the
// account"): request decoding and response bodies. Pure functions, thread-safe. Decoders answer
// kMalformed for wrong shapes and types; the values are checked by account/.
#ifndef PARLEY_PROTO_ACCOUNT_DATA_BODIES_H_
#define PARLEY_PROTO_ACCOUNT_DATA_BODIES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::proto {

struct DeleteAccountRequest {
  std::string password;
  std::string code;  // empty when absent: needed only with two-step sign-in on
};

// {"password": "...", "code": "..."?}
Result<DeleteAccountRequest> DecodeDeleteAccount(std::string_view body);

// What the export body shows; fields that do not apply to the state are left out.
struct ExportView {
  std::string_view state;  // "queued", "running", "ready", "failed"
  int64_t items_done = 0;
  int64_t items_total = 0;
  int64_t started_at = 0;
  int64_t size = 0;             // ready
  int64_t expires_at = 0;       // ready, failed
  std::string download_url;     // ready
  std::string_view error_code;  // failed: the protocol's code name ("too_large")
  std::string error_message;    // failed
};

// {"state", "items_done", "items_total", "started_at", "size"?, "expires_at"?,
//  "download_url"?, "error"?: {"code", "message"}}
std::string ExportBody(const ExportView& view);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_ACCOUNT_DATA_BODIES_H_
