// The log of HTTP requests and WebSocket sessions: every HTTP request gets a request id, sent
// back as X-Request-Id and written on its `http_request` log line; a WebSocket session keeps the
// id of its upgrade request as its session id on every line it logs (`ws_opened`, `ws_closed`).
//
// What is never logged: bodies (message text, passwords), headers (tokens), query strings, and
// path segments that could carry a secret or something a client made up: LoggedPath keeps only
// segments that are a plain word (lowercase letters, `_`, `-`, then at most two digits, at most
// 32 bytes: "accounts", "v1") or a number of at most 19 digits, and writes `*` for the others
// (invite codes, upload and media ids, names with other characters).
// Pure functions; thread-safe.
#ifndef PARLEY_NET_REQUEST_LOG_H_
#define PARLEY_NET_REQUEST_LOG_H_

#include <chrono>
#include <string>
#include <string_view>

namespace parley::net {

// 16 lowercase hex digits, from a per-thread generator: unique enough to find a request's
// lines, not a secret.
std::string NewRequestId();

// `target` as logged (see above): "/api/v1/invites/Xy7Q?x=1" -> "/api/v1/invites/*".
std::string LoggedPath(std::string_view target);

// One `http_request` line: id, method, logged path, status and the time to answer.
void LogHttpRequest(std::string_view request_id, std::string_view method, std::string_view target,
                    unsigned status, std::chrono::steady_clock::duration took);

}  // namespace parley::net

#endif  // PARLEY_NET_REQUEST_LOG_H_
