// Mapping protocol error bodies and frames back to parley::Status.
//
// The server reports failures as {"error": {"code", "message"}} (HTTP) or as
// {"type": "error", "code", "message"} (WebSocket). These helpers turn either into a Status with
// the matching Code, so callers compare codes, never strings. Stateless; thread-safe.
#ifndef PARLEY_TOOLS_CLIENT_WIRE_CODES_H_
#define PARLEY_TOOLS_CLIENT_WIRE_CODES_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"

namespace parley::client {

// The Code whose protocol name is `name`; kInternal for a name this client does not know.
Code CodeFromName(std::string_view name);

// A Status from an HTTP error response: uses body.error.code when present, else derives the
// code from the HTTP status. `body` may be null (unparseable or empty body).
Status StatusFromHttpError(int http_status, const nlohmann::json& body);

// A Status from a WebSocket {"type": "error"} frame.
Status StatusFromErrorFrame(const nlohmann::json& frame);

// A Status for a WebSocket close: OK for 1000 and 1001 ("bye", server shutdown), else the Code
// named by the close code (4001 unauthenticated, 4029 rate_limited, 1009 too_large, ...).
Status StatusFromClose(int close_code, std::string_view reason);

// "not_found: no such user" — the form the tools print.
std::string FormatStatus(const Status& status);

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_WIRE_CODES_H_
