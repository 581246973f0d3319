#include "proto/moment_bodies.h"

#include <utility>

#include "base/json_writer.h"
#include "proto/json_reader.h"
#include "proto/media_bodies.h"

namespace parley::proto {
namespace {

Status Malformed(std::string message) { return Status(Code::kMalformed, std::move(message)); }

std::string_view AudienceName(store::MomentAudience audience) {
  switch (audience) {
    case store::MomentAudience::kOnly:
      return "only";
    case store::MomentAudience::kExcept:
      return "except";
    case store::MomentAudience::kAllFriends:
      break;
  }
  return "friends";
}

Result<AudienceRequest> ReadAudience(const nlohmann::json& object) {
  auto mode = RequiredString(object, "mode");
  if (!mode.ok()) return mode.status();
  AudienceRequest request;
  if (*mode == "only") {
    request.audience = store::MomentAudience::kOnly;
  } else if (*mode == "except") {
    request.audience = store::MomentAudience::kExcept;
  } else if (*mode != "friends") {
    return Malformed("field 'mode' must be \"friends\", \"only\" or \"except\"");
  }
  auto users = IdList(object, "users", false);
  if (!users.ok()) return users.status();
  request.users = std::move(*users);
  return request;
}

// A media id list; absent or null is empty.
Result<std::vector<store::Media>> ReadMediaIds(const nlohmann::json& object) {
  std::vector<store::Media> media;
  auto it = object.find("media");
  if (it == object.end() || it->is_null()) return media;
  const Status malformed = Malformed("field 'media' must be an array of media ids");
  if (!it->is_array()) return malformed;
  for (const nlohmann::json& id : *it) {
    if (!id.is_string()) return malformed;
    media.push_back(store::Media{.id = id.get<std::string>()});
  }
  return media;
}

void WriteComment(JsonWriter& w, const store::MomentComment& comment) {
  w.BeginObject()
      .Field("id", comment.id)
      .Field("moment_id", comment.moment_id)
      .Field("user_id", comment.user_id)
      .Field("text", comment.text)
      .Field("created_at", comment.created_at);
  if (comment.reply_to != 0) {
    w.Field("reply_to", comment.reply_to).Field("reply_to_user_id", comment.reply_to_user_id);
  }
  w.EndObject();
}

void WriteMoment(JsonWriter& w, const chat::MomentView& view) {
  const store::Moment& moment = view.moment;
  w.BeginObject()
      .Field("id", moment.id)
      .Field("author_id", moment.author_id)
      .Field("text", moment.text)
      .Field("location", moment.location)
      .Field("created_at", moment.created_at);
  w.Key("media").BeginArray();
  for (const store::Media& media : moment.media) WriteMediaDescriptor(w, media);
  w.EndArray();
  if (view.mine) {  // the audience is the author's business only
    w.Key("audience").BeginObject().Field("mode", AudienceName(moment.audience));
    w.Key("users").BeginArray();
    for (int64_t user : moment.audience_users) w.Int(user);
    w.EndArray().EndObject();
  }
  w.Key("likes").BeginArray();
  for (const store::MomentLike& like : view.likes) {
    w.BeginObject().Field("user_id", like.user_id).Field("created_at", like.created_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("comments").BeginArray();
  for (const store::MomentComment& comment : view.comments) WriteComment(w, comment);
  w.EndArray();
  w.EndObject();
}

}  // namespace

Result<store::Moment> DecodeMomentPost(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  store::Moment moment;
  auto text = OptionalString(*object, "text");
  if (!text.ok()) return text.status();
  moment.text = text->value_or("");
  auto location = OptionalString(*object, "location");
  if (!location.ok()) return location.status();
  moment.location = location->value_or("");
  auto media = ReadMediaIds(*object);
  if (!media.ok()) return media.status();
  moment.media = std::move(*media);
  auto audience = object->find("audience");
  if (audience != object->end() && !audience->is_null()) {
    if (!audience->is_object()) return Malformed("field 'audience' must be an object");
    auto read = ReadAudience(*audience);
    if (!read.ok()) return read.status();
    moment.audience = read->audience;
    moment.audience_users = std::move(read->users);
  }
  return moment;
}

Result<AudienceRequest> DecodeAudience(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return ReadAudience(*object);
}

Result<CommentRequest> DecodeComment(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  CommentRequest request;
  auto text = RequiredString(*object, "text");
  if (!text.ok()) return text.status();
  request.text = std::move(*text);
  auto reply_to = OptionalInt(*object, "reply_to");
  if (!reply_to.ok()) return reply_to.status();
  request.reply_to = reply_to->value_or(0);
  if (request.reply_to < 0) return Malformed("field 'reply_to' must be a comment id");
  return request;
}

std::string MomentBody(const chat::MomentView& view) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("moment");
  WriteMoment(w, view);
  w.EndObject();
  return out;
}

std::string MomentPageBody(const chat::MomentPage& page) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("moments").BeginArray();
  for (const chat::MomentView& view : page.moments) WriteMoment(w, view);
  w.EndArray();
  if (page.next_before != 0) w.Field("next", std::to_string(page.next_before));
  w.EndObject();
  return out;
}

std::string CommentBody(const store::MomentComment& comment) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("comment");
  WriteComment(w, comment);
  w.EndObject();
  return out;
}

std::string MomentPostedFrame(const chat::events::MomentPosted& event) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("type", "moment_posted")
      .Field("moment_id", event.moment_id)
      .Field("author_id", event.author_id)
      .Field("created_at", event.created_at)
      .EndObject();
  return out;
}

std::string MomentLikedFrame(const chat::events::MomentLiked& event) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("type", "moment_liked")
      .Field("moment_id", event.like.moment_id)
      .Field("user_id", event.like.user_id)
      .Field("created_at", event.like.created_at)
      .EndObject();
  return out;
}

std::string MomentCommentedFrame(const chat::events::MomentCommented& event) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("type", "moment_commented").Key("comment");
  WriteComment(w, event.comment);
  w.EndObject();
  return out;
}

}  // namespace parley::proto
