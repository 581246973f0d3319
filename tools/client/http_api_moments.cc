// HttpApi: moments (docs/protocol.md, "Moments").
#include "client/http_api.h"
#include "client/reply.h"

namespace parley::client {

using nlohmann::json;

using reply::Member;

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
  return reply::StatusOf(Call("DELETE", "/moments/" + std::to_string(moment_id)));
}

Result<json> HttpApi::SetMomentAudience(int64_t moment_id, std::string_view mode,
                                        const std::vector<int64_t>& users) {
  return Member(Call("PUT", "/moments/" + std::to_string(moment_id) + "/audience",
                     json{{"mode", mode}, {"users", users}}),
                "moment");
}

Status HttpApi::LikeMoment(int64_t moment_id, bool on) {
  return reply::StatusOf(
      Call(on ? "PUT" : "DELETE", "/moments/" + std::to_string(moment_id) + "/like"));
}

Result<json> HttpApi::CommentMoment(int64_t moment_id, std::string_view text, int64_t reply_to) {
  json body{{"text", text}};
  if (reply_to != 0) body["reply_to"] = reply_to;
  return Member(Call("POST", "/moments/" + std::to_string(moment_id) + "/comments", body),
                "comment");
}

Status HttpApi::DeleteMomentComment(int64_t moment_id, int64_t comment_id) {
  return reply::StatusOf(Call("DELETE", "/moments/" + std::to_string(moment_id) + "/comments/" +
                                            std::to_string(comment_id)));
}

}  // namespace parley::client
