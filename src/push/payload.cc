#include "push/payload.h"

#include <nlohmann/json.hpp>

namespace parley::push {
namespace {

std::string_view KindName(Notification::Kind kind) {
  switch (kind) {
    case Notification::Kind::kMessage:
      return "message";
    case Notification::Kind::kNotice:
      return "notice";
    case Notification::Kind::kFriendRequest:
      return "friend_request";
    case Notification::Kind::kAddedToGroup:
      return "added_to_group";
  }
  return "message";
}

std::string MediaText(std::string_view media_kind) {
  if (media_kind == "image") return "📷 Photo";
  if (media_kind == "voice") return "🎤 Voice message";
  if (media_kind == "video") return "🎬 Video";
  return "📎 File";
}

}  // namespace

std::string CutUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

Job MakeJob(const Notification& n, Preview preview, std::string_view sender_name,
            std::string_view group_name) {
  Job job;
  job.kind = n.kind;
  job.conversation_id = n.conversation_id;
  job.seq = n.seq;
  job.collapse_key = n.kind == Notification::Kind::kFriendRequest
                         ? "f" + std::to_string(n.sender_id)
                         : "c" + std::to_string(n.conversation_id);
  if (preview == Preview::kNone) return job;  // "New message", nothing else
  job.sender_id = n.sender_id;
  switch (n.kind) {
    case Notification::Kind::kMessage:
      job.title = std::string(sender_name);
      if (!group_name.empty()) job.title += " · " + std::string(group_name);
      if (preview == Preview::kFull) {
        job.body =
            n.media_kind.empty() ? CutUtf8(n.text, kMaxPreviewBytes) : MediaText(n.media_kind);
        if (!n.media_kind.empty() && !n.text.empty()) {
          job.body += " " + CutUtf8(n.text, kMaxPreviewBytes);
        }
      }
      break;
    case Notification::Kind::kNotice:
      job.title = "Notice";
      if (preview == Preview::kFull) job.body = CutUtf8(n.text, kMaxPreviewBytes);
      break;
    case Notification::Kind::kFriendRequest:
      job.title = std::string(sender_name);
      job.body = "wants to be your friend";
      break;
    case Notification::Kind::kAddedToGroup:
      job.title = std::string(sender_name);
      job.body = group_name.empty() ? std::string("added you to a group")
                                    : "added you to " + std::string(group_name);
      break;
  }
  return job;
}

std::string PayloadJson(const Job& job) {
  nlohmann::json payload = {{"v", 1}, {"kind", KindName(job.kind)}, {"count", job.count}};
  if (job.conversation_id != 0) {
    payload["conversation_id"] = job.conversation_id;
    payload["seq"] = job.seq;
  }
  if (job.sender_id != 0) payload["sender_id"] = job.sender_id;
  payload["title"] = job.title.empty() ? "Parley" : job.title;
  std::string body = job.body;
  if (job.count > 1 && job.kind == Notification::Kind::kMessage) {
    // A burst coalesced: say how many, and still show the newest when the preview allows.
    const std::string many = std::to_string(job.count) + " new messages";
    body = body.empty() ? many : many + ": " + body;
  } else if (body.empty()) {
    switch (job.kind) {
      case Notification::Kind::kMessage:
        body = "New message";
        break;
      case Notification::Kind::kNotice:
        body = "New notice";
        break;
      case Notification::Kind::kFriendRequest:
        body = "New friend request";
        break;
      case Notification::Kind::kAddedToGroup:
        body = "Added to a group";
        break;
    }
  }
  payload["body"] = body;
  // Invalid UTF-8 cannot reach here (message text is validated on send), but never throw.
  return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace parley::push
