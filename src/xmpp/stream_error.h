// The stream errors (RFC 6120 section 4.9.3) this server sends, and their wire form. A stream
// error ends the connection it is sent on, and only that one.
#ifndef PARLEY_XMPP_STREAM_ERROR_H_
#define PARLEY_XMPP_STREAM_ERROR_H_

#include <string>
#include <string_view>

namespace parley::xmpp {

enum class StreamCondition {
  kBadFormat,            // XML that is well-formed but not a stream of stanzas
  kConnectionTimeout,    // nothing arrived in time
  kHostUnknown,          // the stream's `to` is not this server's domain
  kInvalidNamespace,     // the stream or a stanza in the wrong namespace
  kNotAuthorized,        // a stanza before authentication
  kNotWellFormed,        // not XML, or broken UTF-8
  kPolicyViolation,      // over a size, depth, attribute or rate limit
  kResourceConstraint,   // the server cannot take this session now (too many sessions)
  kRestrictedXml,        // a DTD, entity declaration, processing instruction or comment
  kSystemShutdown,       // the server is stopping
  kUnsupportedEncoding,  // anything but UTF-8
  kConflict,             // the same resource bound again elsewhere, or a revoked session
  kUndefinedCondition,   // XEP-0198: an <a/> acknowledging more than was sent
};

struct StreamFailure {
  StreamCondition condition;
  std::string text;  // for the peer and the log: never stanza content
};

std::string_view ConditionName(StreamCondition condition);

// `<stream:error>` with the condition and text (the stream prefix declared on it, so that it
// stands alone on a WebSocket too); the stream's footer goes after it.
std::string StreamErrorXml(const StreamFailure& failure);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_STREAM_ERROR_H_
