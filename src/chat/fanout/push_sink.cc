#include "chat/fanout/push_sink.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "push/payload.h"

namespace parley::chat {
namespace {

struct Draft {
  push::Notification notification;
  std::vector<int64_t> only;  // when set, only these users are told (the users added)
};

std::optional<Draft> Describe(const Event& event) {
  using Kind = push::Notification::Kind;
  Draft draft;
  push::Notification& n = draft.notification;
  if (const auto* committed = std::get_if<events::MessageCommitted>(&event)) {
    const store::Message& m = committed->message;
    // A sticker is pushed like a text: its keywords are the preview.
    const bool content =
        m.kind == store::MessageKind::kText || m.kind == store::MessageKind::kSticker;
    if (!content || m.deleted) return std::nullopt;
    n.kind = Kind::kMessage;
    n.conversation_id = m.conversation_id;
    n.seq = m.seq;
    n.sender_id = m.sender_id;
    n.at = m.created_at;
    n.text = m.text.substr(0, push::kMaxPreviewBytes + 4);  // CutUtf8 makes it whole later
    if (m.media) n.media_kind = m.media->kind.empty() ? "file" : m.media->kind;
    return draft;
  }
  if (const auto* notice = std::get_if<events::NoticePosted>(&event)) {
    n.kind = Kind::kNotice;
    n.conversation_id = notice->message.conversation_id;
    n.seq = notice->message.seq;
    n.at = notice->message.created_at;
    n.text = notice->message.text.substr(0, push::kMaxPreviewBytes + 4);
    return draft;
  }
  if (const auto* request = std::get_if<events::FriendRequested>(&event)) {
    n.kind = Kind::kFriendRequest;
    n.sender_id = request->request.from_id;
    n.at = request->request.created_at;
    return draft;
  }
  if (const auto* changed = std::get_if<events::GroupChanged>(&event)) {
    const GroupEvent& change = changed->change;
    if (change.type != "member_added" && change.type != "group_created") return std::nullopt;
    n.kind = Kind::kAddedToGroup;
    n.conversation_id = changed->message.conversation_id;
    n.seq = changed->message.seq;
    n.sender_id = change.actor;
    n.at = changed->message.created_at;
    draft.only = change.users;
    return draft;
  }
  return std::nullopt;
}

// Hands push the users `reach` left unreached or away whom `draft` concerns.
void Tell(push::Notifier& notifier, const Draft& draft, const Reach& reach) {
  if (reach.unreached.empty() && reach.away.empty()) return;
  const auto to_tell = [&draft](const std::vector<int64_t>& candidates) {
    std::vector<int64_t> users;
    users.reserve(candidates.size());
    for (int64_t user : candidates) {
      if (user == draft.notification.sender_id) continue;
      if (draft.notification.kind == push::Notification::Kind::kAddedToGroup &&
          std::find(draft.only.begin(), draft.only.end(), user) == draft.only.end()) {
        continue;
      }
      users.push_back(user);
    }
    return users;
  };
  std::vector<int64_t> offline = to_tell(reach.unreached);
  std::vector<int64_t> away = to_tell(reach.away);
  if (!offline.empty() || !away.empty()) {
    notifier.Notify(draft.notification, std::move(offline), std::move(away));
  }
}

}  // namespace

void NotifyingSink::Publish(const Audience& audience, Event event, ReachHandler on_reach) {
  std::optional<Draft> draft = Describe(event);
  if (!draft) {
    inner_.Publish(audience, std::move(event), std::move(on_reach));
    return;
  }
  inner_.Publish(audience, std::move(event),
                 [this, draft = std::move(*draft), on_reach = std::move(on_reach)](Reach reach) {
                   Tell(notifier_, draft, reach);
                   if (on_reach) on_reach(std::move(reach));
                 });
}

}  // namespace parley::chat
