// Decoding of the server-admin HTTP bodies and of users' reports (docs/protocol.md, "System
// notices and the admin role", "Administration", "Reports"). Pure functions; shape and type
// problems are kMalformed. Value rules (text length, recipient counts) belong to
// chat/notices/notices.h.
#ifndef PARLEY_PROTO_ADMIN_REQUESTS_H_
#define PARLEY_PROTO_ADMIN_REQUESTS_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "chat/notices/notices.h"
#include "chat/notices/reports.h"

namespace parley::proto {

// {"text": "...", "all": true} or {"text": "...", "users": [1, 2]}
Result<chat::NoticeRequest> DecodeNotice(std::string_view body);

// {"admin": true|false}
Result<bool> DecodeAdminRole(std::string_view body);

// {"setup_token": "..."}: the token parleyd printed at start-up.
Result<std::string> DecodeAdminSetup(std::string_view body);

// {"conversation_id": 3, "seq": 41, "reason": "..."} (a message) or
// {"user_id": 7, "reason": "..."} (a user). Which one it is, and the reason's length, are
// chat/notices/reports.h's rules.
Result<chat::ReportRequest> DecodeReport(std::string_view body);

// {"action": "dismiss" | "delete_message" | "disable_user"}; another action is kInvalidArgument.
Result<chat::Resolution> DecodeResolution(std::string_view body);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_ADMIN_REQUESTS_H_
