// Conversation retention over HTTP (docs/protocol.md, "Retention"): the request body of
// PUT /api/v1/conversations/{id}/retention and the response of both routes. Pure functions,
// thread-safe. The decoder fails with kMalformed for a body that is not the documented shape;
// ranges are chat::ValidatePolicy's (kInvalidArgument).
#ifndef PARLEY_PROTO_RETENTION_BODIES_H_
#define PARLEY_PROTO_RETENTION_BODIES_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "chat/messaging/retention.h"
#include "store/types.h"

namespace parley::proto {

// {"days": N, "max_messages": M}: both optional, 0 (or absent) is no limit.
Result<store::RetentionPolicy> DecodeRetentionPolicy(std::string_view body);

// {"conversation": {"days", "max_messages"}, "effective": {...}, "media_days": N,
//  "pruned_through": S, "can_change": bool}
std::string RetentionBody(const chat::RetentionView& view);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_RETENTION_BODIES_H_
