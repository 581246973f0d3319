#include "xmpp/stream_error.h"

#include "xmpp/namespaces.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {

std::string_view ConditionName(StreamCondition condition) {
  switch (condition) {
    case StreamCondition::kBadFormat:
      return "bad-format";
    case StreamCondition::kConnectionTimeout:
      return "connection-timeout";
    case StreamCondition::kHostUnknown:
      return "host-unknown";
    case StreamCondition::kInvalidNamespace:
      return "invalid-namespace";
    case StreamCondition::kNotAuthorized:
      return "not-authorized";
    case StreamCondition::kNotWellFormed:
      return "not-well-formed";
    case StreamCondition::kPolicyViolation:
      return "policy-violation";
    case StreamCondition::kResourceConstraint:
      return "resource-constraint";
    case StreamCondition::kRestrictedXml:
      return "restricted-xml";
    case StreamCondition::kSystemShutdown:
      return "system-shutdown";
    case StreamCondition::kUnsupportedEncoding:
      return "unsupported-encoding";
    case StreamCondition::kConflict:
      return "conflict";
    case StreamCondition::kUndefinedCondition:
      return "undefined-condition";
  }
  return "undefined-condition";
}

std::string StreamErrorXml(const StreamFailure& failure) {
  std::string out = "<stream:error xmlns:stream='";
  out += kStreamNs;
  out += "'><";
  out += ConditionName(failure.condition);
  out += " xmlns='";
  out += kStreamErrorNs;
  out += "'/>";
  if (!failure.text.empty()) {
    out += "<text xmlns='";
    out += kStreamErrorNs;
    out += "'>";
    out += XmlEscape(failure.text);
    out += "</text>";
  }
  out += "</stream:error>";
  return out;
}

}  // namespace parley::xmpp
