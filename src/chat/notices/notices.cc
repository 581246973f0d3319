#include "chat/notices/notices.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random_hex.h"

namespace parley::chat {
namespace {

// Users whose notices are committed in one writer transaction.
constexpr int kBatchUsers = 500;

// Random bytes in a notice's id: tells its copies apart from other notices in each recipient's
// client ids.
constexpr size_t kNoticeIdRandomBytes = 16;

}  // namespace

Notices::Notices(store::Store& store, MessageWriter& writer, EventSink& events,
                 size_t max_text_bytes)
    : store_(store), writer_(writer), events_(events), max_text_bytes_(max_text_bytes) {}

Result<int64_t> Notices::Send(const store::User& sender, const NoticeRequest& request) {
  if (!sender.is_admin) return Status(Code::kForbidden, "only server admins send notices");
  if (request.text.empty()) return Status(Code::kInvalidArgument, "text is empty");
  if (request.text.size() > max_text_bytes_) {
    return Status(Code::kTooLarge,
                  "text is longer than " + std::to_string(max_text_bytes_) + " bytes");
  }
  if (request.everyone == !request.users.empty()) {
    return Status(Code::kInvalidArgument, "give either \"all\": true or a non-empty \"users\"");
  }
  if (request.users.size() > kMaxListedRecipients) {
    return Status(Code::kInvalidArgument,
                  "at most " + std::to_string(kMaxListedRecipients) + " users per notice");
  }
  const std::string notice_id = RandomHex(kNoticeIdRandomBytes);
  if (!request.everyone) {
    std::vector<int64_t> users = request.users;
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    // One transaction: an unknown user fails the whole notice.
    if (Status s = SendBatch(sender, notice_id, request.text, users); !s.ok()) return s;
    return static_cast<int64_t>(users.size());
  }
  int64_t delivered = 0;
  int64_t after = 0;
  for (;;) {
    auto users = store_.UserIdsAfter(after, kBatchUsers);
    if (!users.ok()) return users.status();
    if (users->empty()) return delivered;
    if (Status s = SendBatch(sender, notice_id, request.text, *users); !s.ok()) return s;
    delivered += static_cast<int64_t>(users->size());
    after = users->back();
  }
}

Status Notices::SendBatch(const store::User& sender, const std::string& notice_id,
                          const std::string& text, std::span<const int64_t> users) {
  std::vector<store::Message> stored;
  stored.reserve(users.size());
  Status committed = writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    stored.clear();
    const int64_t now = NowMillis();
    for (int64_t user_id : users) {
      auto conversation = txn.SystemConversation(user_id);
      if (!conversation.ok()) return conversation.status();
      store::Message message;
      message.conversation_id = *conversation;
      message.sender_id = sender.id;
      message.client_id = "notice:" + notice_id + ":" + std::to_string(user_id);
      message.text = text;
      message.created_at = now;
      message.kind = store::MessageKind::kNotice;
      auto appended = txn.Append(std::move(message));
      if (!appended.ok()) return appended.status();
      stored.push_back(std::move(*appended));
    }
    return Status::Ok();
  });
  if (!committed.ok()) return committed;
  for (size_t i = 0; i < stored.size(); ++i) {
    events_.Publish(Audience{users.subspan(i, 1)}, events::NoticePosted{std::move(stored[i])});
  }
  return Status::Ok();
}

Status Notices::SetAdmin(const store::User& caller, int64_t user_id, bool is_admin) {
  if (!caller.is_admin) return Status(Code::kForbidden, "only server admins grant the role");
  if (user_id == caller.id && !is_admin) {
    return Status(Code::kForbidden, "an admin cannot revoke their own role");
  }
  return store_.SetAdmin(user_id, is_admin);
}

}  // namespace parley::chat
