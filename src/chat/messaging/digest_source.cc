#include "chat/messaging/digest_source.h"

#include <algorithm>
#include <unordered_map>

namespace parley::chat {
namespace {

std::string NameOf(const store::User& user) {
  return user.display_name.empty() ? user.username : user.display_name;
}

}  // namespace

int64_t StoreDigestSource::SeenAt(int64_t user_id) {
  auto user = store_.FindUserById(user_id);
  // A user gone from the store is never online again: their digest is dropped.
  if (!user.ok()) return INT64_MAX;
  return social_.PresenceOf(*user).last_seen_at;
}

Result<push::DigestContent> StoreDigestSource::Read(int64_t user_id) {
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  push::DigestContent content;
  content.language = user->language;
  content.name = NameOf(*user);
  auto email = store_.FindEmail(user_id);
  if (!email.ok()) return email.status();
  if (*email && (*email)->verified) content.address = (*email)->address;
  if (content.address.empty()) return content;

  auto conversations = store_.ListConversations(user_id);
  if (!conversations.ok()) return conversations.status();
  std::erase_if(*conversations, [](const store::ConversationSummary& c) { return c.unread <= 0; });
  std::sort(conversations->begin(), conversations->end(),
            [](const auto& a, const auto& b) { return a.last_activity_at > b.last_activity_at; });
  std::unordered_map<int64_t, std::string> names;  // a sender in several groups: one lookup
  const auto name_of = [&](int64_t id) -> std::string {
    auto [it, added] = names.try_emplace(id);
    if (added) {
      auto found = store_.FindUserById(id);
      it->second = found.ok() ? NameOf(*found) : std::string();
    }
    return it->second;
  };
  for (const store::ConversationSummary& c : *conversations) {
    push::MissedConversation missed;
    missed.conversation_id = c.id;
    missed.is_group = c.kind == store::ConversationKind::kGroup;
    missed.unread = c.unread;
    if (c.kind == store::ConversationKind::kGroup) {
      missed.title = c.name;
    } else if (c.kind == store::ConversationKind::kSystem) {
      missed.title = "Parley";
    } else if (!c.others.empty()) {
      missed.title = name_of(c.others.front().user_id);
    }
    if (c.last_message) {
      const store::Message& last = *c.last_message;
      if (last.sender_id != 0) missed.last_sender = name_of(last.sender_id);
      if (!last.deleted) {
        missed.last_text = last.text;
        if (last.media) missed.media_kind = last.media->kind.empty() ? "file" : last.media->kind;
      }
    }
    content.conversations.push_back(std::move(missed));
  }
  return content;
}

}  // namespace parley::chat
