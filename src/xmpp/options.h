// The XMPP front door's options (app/config.cc fills them from xmpp-* keys; docs/operations.md).
// Plain structs, no behaviour.
#ifndef PARLEY_XMPP_OPTIONS_H_
#define PARLEY_XMPP_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "xmpp/xml_stream_reader.h"

namespace parley::xmpp {

// One client-to-server stream (c2s_session.h).
struct C2sOptions {
  std::string domain = "localhost";         // the JIDs' domain part: user@domain
  XmlLimits xml;                            // input limits: a stream error past them
  int negotiation_timeout_ms = 30'000;      // connect to bound resource
  size_t max_outgoing_bytes = 1024 * 1024;  // queued to one client before it is closed
  size_t max_sessions_per_user = 32;        // Hub peers of one account (any protocol)
  bool allow_plain_without_tls = false;     // offer SASL PLAIN on a stream without TLS
  int resume_timeout_s = 300;               // XEP-0198: a lost stream waits (0: no resume)
  size_t max_unacked_stanzas = 1000;        // XEP-0198: kept unacknowledged, then closed
  std::string upload_base_url;              // XEP-0363: http(s)://host[:port] of the slots' URLs
};

// The listener (xmpp_server.h).
struct XmppOptions {
  bool enabled = false;  // --xmpp-listen given
  std::string host = "127.0.0.1";
  uint16_t port = 5222;  // 0: an ephemeral port
  C2sOptions c2s;
  int worker_threads = 1;   // store reads, SCRAM
  int hashing_threads = 1;  // PLAIN logins' argon2id
  int hashing_queue = 16;   // PLAIN logins waiting at most (then temporary-auth-failure)
  size_t max_connections = 10'000;
  size_t max_connections_per_address = 100;
  int shutdown_timeout_ms = 5'000;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_OPTIONS_H_
