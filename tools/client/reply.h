// What the HttpApi's calls make of a JSON reply (http_api*.cc): its status alone, or one member
// of it, where a reply without that member is kInternal "unexpected server reply: no KEY".
#ifndef PARLEY_CLIENT_REPLY_H_
#define PARLEY_CLIENT_REPLY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace parley::client::reply {

inline Status StatusOf(const Result<nlohmann::json>& reply) {
  return reply.ok() ? Status::Ok() : reply.status();
}

inline Result<nlohmann::json> Member(Result<nlohmann::json> reply, std::string_view key) {
  if (!reply.ok()) return reply.status();
  auto it = reply->find(key);
  if (it == reply->end()) {
    return Status(Code::kInternal, "unexpected server reply: no " + std::string(key));
  }
  return std::move(*it);
}

}  // namespace parley::client::reply

#endif  // PARLEY_CLIENT_REPLY_H_
