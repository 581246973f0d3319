// HttpApi: moments (docs/protocol.md, "Moments").
#include "client/http_api.h"

namespace parley::client {

using nlohmann::json;

namespace {

Status Done(const Result<json>& reply) { return reply.ok() ? Status::Ok() : reply.status(); }

// The member `key` of a reply, or kInternal when the reply lacks it.
Result<json> Member(Result<json> reply, std::string_view key) {
  if (!reply.ok()) return reply.status();
  auto it = reply->find(key);
  if (it == reply->end()) {
    return Status(Code::kInternal, "unexpected server reply: no " + std::string(key));
  }
  return std::move(*it);
}

}  // namespace

Result<json> HttpApi::PostMoment(const json& fields) {
  return Member(Call("POST", "/moments", fields), "moment");
}

Result<json> HttpApi::Moments(int64_t author_id, std::string_view before, int limit) {
  std::string target = author_id == 0 ? "/moments" : "/moments/users/" + std::to_string(author_id);
  target += "?limit=" + std::to_string(limit);
  if (!before.empty()) target += "&before=" + std::string(before);
  return Call("GET", target);
}

Result<json> HttpApi::Moment(int64_t moment_id) {
  return Member(Call("GET", "/moments/" + std::to_string(moment_id)), "moment");
}

Status HttpApi::DeleteMoment(int64_t moment_id) {
  return Done(Call("DELETE", "/moments/" + std::to_string(moment_id)));
}

Result<json> HttpApi::SetMomentAudience(int64_t moment_id, std::string_view mode,
                                        const std::vector<int64_t>& users) {
  return Member(Call("PUT", "/moments/" + std::to_string(moment_id) + "/audience",
                     json{{"mode", mode}, {"users", users}}),
                "moment");
}

Status HttpApi::LikeMoment(int64_t moment_id, bool on) {
  return Done(Call(on ? "PUT" : "DELETE", "/moments/" + std::to_string(moment_id) + "/like"));
}

Result<json> HttpApi::CommentMoment(int64_t moment_id, std::string_view text, int64_t reply_to) {
  json body{{"text", text}};
  if (reply_to != 0) body["reply_to"] = reply_to;
  return Member(Call("POST", "/moments/" + std::to_string(moment_id) + "/comments", body),
                "comment");
}

Status HttpApi::DeleteMomentComment(int64_t moment_id, int64_t comment_id) {
  return Done(Call("DELETE", "/moments/" + std::to_string(moment_id) + "/comments/" +
                                 std::to_string(comment_id)));
}

}  // namespace parley::client
