// SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), the server side, for XMPP logins
// (docs/security.md, "SCRAM credentials"; docs/xmpp.md).
//
// The server keeps no password, only store::ScramCredentials: a salt, an iteration count and
// two keys derived from PBKDF2-HMAC-SHA-256 of the password. A client proves it knows the
// password without sending it; the server proves it holds the keys (server-final `v=`).
// Channel binding is not offered: a client-first with "p=" is refused, "n" and "y" are read.
// Passwords are used as their UTF-8 bytes (no SASLprep), as Parley's own login does.
//
// Thread-safe and pure, except NewScramCredentials and NewScramNonce (random). Derivation
// costs `iterations` HMACs (about 2 ms at 4096): call it from worker threads.
#ifndef PARLEY_AUTH_SCRAM_H_
#define PARLEY_AUTH_SCRAM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/types.h"

namespace parley::auth {

// The iteration count of new credentials: RFC 7677's minimum.
inline constexpr int64_t kScramIterations = 4096;

store::ScramCredentials DeriveScramCredentials(std::string_view password, std::string salt,
                                               int64_t iterations);
// With a fresh random 16-byte salt.
store::ScramCredentials NewScramCredentials(std::string_view password, int64_t iterations);

// The parts of a client-first-message the server uses. kMalformed for anything else,
// kInvalidArgument for what is well-formed but not offered (channel binding, an authzid that
// is not the username, mandatory extensions).
struct ScramClientFirst {
  std::string gs2_header;  // "n,," — echoed (base64) in the client-final's c=
  std::string bare;        // client-first-message-bare, part of the AuthMessage
  std::string username;    // saslname unescaped
  std::string nonce;
};
Result<ScramClientFirst> ParseScramClientFirst(std::string_view message);

// A random nonce part: printable, no comma.
std::string NewScramNonce();

// One exchange after the client-first: holds what the proof is checked against.
class ScramServer {
 public:
  ScramServer(ScramClientFirst first, store::ScramCredentials credentials,
              std::string_view server_nonce);
  // The server-first-message to send.
  const std::string& server_first() const { return server_first_; }
  // Checks the client-final-message: the server-final-message ("v=...") when the proof is
  // right; kUnauthenticated for a wrong proof, nonce or channel binding, kMalformed for bad
  // syntax.
  Result<std::string> Finish(std::string_view client_final) const;

 private:
  ScramClientFirst first_;
  store::ScramCredentials credentials_;
  std::string nonce_;  // the client's and the server's, joined
  std::string server_first_;
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_SCRAM_H_
