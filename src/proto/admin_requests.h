// Decoding of the server-admin HTTP bodies (docs/protocol.md, "System notices and the admin
// role"). Pure functions; shape and type problems are kMalformed. Value rules (text length,
// recipient counts) belong to chat/notices.h.
#ifndef PARLEY_PROTO_ADMIN_REQUESTS_H_
#define PARLEY_PROTO_ADMIN_REQUESTS_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "chat/notices.h"

namespace parley::proto {

// {"text": "...", "all": true} or {"text": "...", "users": [1, 2]}
Result<chat::NoticeRequest> DecodeNotice(std::string_view body);

// {"admin": true|false}
Result<bool> DecodeAdminRole(std::string_view body);

// {"setup_token": "..."}: the token parleyd printed at start-up.
Result<std::string> DecodeAdminSetup(std::string_view body);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_ADMIN_REQUESTS_H_
