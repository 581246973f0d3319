#include "xmpp/stanza_error.h"

#include "xmpp/xml_stream_reader.h"

namespace parley::xmpp {

StanzaErrorKind StanzaErrorOf(Code code) {
  switch (code) {
    case Code::kMalformed:
    case Code::kUnknownType:
    case Code::kInvalidArgument:
    case Code::kUnsupportedMedia:
    case Code::kUnsupportedVersion:
      return {"modify", "bad-request"};
    case Code::kTooLarge:
      return {"modify", "policy-violation"};
    case Code::kUnauthenticated:
      return {"auth", "not-authorized"};
    case Code::kForbidden:
    case Code::kBlocked:
    case Code::kAccountDisabled:
      return {"cancel", "not-allowed"};
    case Code::kNotFound:
    case Code::kGone:
      return {"cancel", "item-not-found"};
    case Code::kConflict:
      return {"cancel", "conflict"};
    case Code::kQuotaExceeded:
      return {"wait", "resource-constraint"};
    case Code::kRateLimited:
      return {"wait", "policy-violation"};
    case Code::kUnavailable:
      return {"wait", "service-unavailable"};
    case Code::kOk:
    case Code::kInternal:
      break;
  }
  return {"cancel", "internal-server-error"};
}

XmlElement ErrorElement(StanzaErrorKind kind, std::string_view text) {
  XmlElement error(std::string(kClientNs), "error");
  error.Set("type", std::string(kind.type));
  error.Add(XmlElement(std::string(kStanzasNs), std::string(kind.condition)));
  if (!text.empty()) error.AddText(std::string(kStanzasNs), "text", std::string(text));
  return error;
}

XmlElement ErrorReply(const XmlElement& stanza, StanzaErrorKind kind, std::string_view text) {
  XmlElement reply(std::string(kClientNs), stanza.name);
  reply.Set("type", "error");
  if (stanza.HasAttr("id")) reply.Set("id", std::string(stanza.Attr("id")));
  if (stanza.HasAttr("to")) reply.Set("from", std::string(stanza.Attr("to")));
  reply.Add(ErrorElement(kind, text));
  return reply;
}

}  // namespace parley::xmpp
