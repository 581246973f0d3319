// WebSocketHandoff: a WebSocket upgrade request at a path another front door serves (XMPP over
// WebSocket at /xmpp-websocket: Context::xmpp_websocket), handed to it with the connection.
// The receiver either takes the connection (moves `stream`, `upgrade` and `slot` away) and
// returns OK, or leaves them as they are and returns the error the HTTP session answers with.
#ifndef PARLEY_NET_WEBSOCKET_HANDOFF_H_
#define PARLEY_NET_WEBSOCKET_HANDOFF_H_

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "net/client_address.h"
#include "net/connection_limiter.h"
#include "net/http_util.h"
#include "tls/stream.h"

namespace parley::net {

struct WebSocketHandoff {
  tls::Stream& stream;
  Request& upgrade;               // its body read
  ConnectionLimiter::Slot& slot;  // the HTTP server's count of this connection
  std::optional<IpAddress> peer;  // the TCP peer; none when its socket failed
  std::string client_key;         // the client's address limit key (behind trusted proxies too)
  std::string request_id;         // the upgrade's, for the log
};

using WebSocketHandler = std::function<Status(WebSocketHandoff&)>;

// The path of XMPP over WebSocket (RFC 7395) on the HTTP listener.
inline constexpr std::string_view kXmppWebSocketPath = "/xmpp-websocket";

}  // namespace parley::net

#endif  // PARLEY_NET_WEBSOCKET_HANDOFF_H_
