#include "store/sql/rows.h"

#include <string>

namespace parley::store::sql {

User ReadUser(const Statement& row, int first) {
  User user;
  user.id = row.ColumnInt(first);
  user.username = row.ColumnText(first + 1);
  user.display_name = row.ColumnText(first + 2);
  user.password_hash = row.ColumnText(first + 3);
  user.created_at = row.ColumnInt(first + 4);
  user.avatar = row.ColumnText(first + 5);
  user.status_line = row.ColumnText(first + 6);
  user.language = row.ColumnText(first + 7);
  user.time_zone = row.ColumnText(first + 8);
  user.is_admin = row.ColumnInt(first + 9) != 0;
  user.last_seen_at = row.ColumnInt(first + 10);
  user.disabled_at = row.ColumnInt(first + 11);
  return user;
}

Device ReadDevice(const Statement& row, int first) {
  Device device;
  device.id = row.ColumnInt(first);
  device.user_id = row.ColumnInt(first + 1);
  device.name = row.ColumnText(first + 2);
  device.created_at = row.ColumnInt(first + 3);
  device.last_seen_at = row.ColumnInt(first + 4);
  device.expires_at = row.ColumnInt(first + 5);
  return device;
}

Message ReadMessage(const Statement& row, int first) {
  Message message;
  message.conversation_id = row.ColumnInt(first);
  message.seq = row.ColumnInt(first + 1);
  message.sender_id = row.ColumnInt(first + 2);
  message.client_id = row.ColumnText(first + 3);
  message.text = row.ColumnText(first + 4);
  message.created_at = row.ColumnInt(first + 5);
  message.kind = static_cast<MessageKind>(row.ColumnInt(first + 6));
  if (std::string media_id = row.ColumnText(first + 7); !media_id.empty()) {
    message.media.emplace().id = std::move(media_id);
  }
  message.reply_to = row.ColumnInt(first + 8);
  message.target = row.ColumnInt(first + 9);
  message.on = row.ColumnInt(first + 10) != 0;
  message.edited_at = row.ColumnInt(first + 11);
  message.deleted = row.ColumnInt(first + 12) != 0;
  message.sticker = row.ColumnInt(first + 13);
  return message;
}

Member ReadMember(const Statement& row, int first) {
  Member member;
  member.user_id = row.ColumnInt(first);
  member.delivered_seq = row.ColumnInt(first + 1);
  member.read_seq = row.ColumnInt(first + 2);
  member.role = static_cast<Role>(row.ColumnInt(first + 3));
  member.muted_until = row.ColumnInt(first + 4);
  member.first_seq = row.ColumnInt(first + 5);
  return member;
}

void ReadSummaryState(const Statement& row, int64_t user_id, ConversationSummary& summary) {
  summary.id = row.ColumnInt(0);
  summary.kind = static_cast<ConversationKind>(row.ColumnInt(1));
  summary.last_seq = row.ColumnInt(2);
  summary.last_activity_at = row.ColumnInt(3);
  summary.self = Member{user_id,          row.ColumnInt(4),
                        row.ColumnInt(5), static_cast<Role>(row.ColumnInt(6)),
                        row.ColumnInt(7), row.ColumnInt(8)};
  summary.name = row.ColumnText(9);
  summary.topic = row.ColumnText(10);
  summary.pruned_through = row.ColumnInt(11);
}

Media ReadMedia(const Statement& row, int first) {
  Media media;
  media.id = row.ColumnText(first);
  media.owner_id = row.ColumnInt(first + 1);
  media.kind = row.ColumnText(first + 2);
  media.mime = row.ColumnText(first + 3);
  media.size = row.ColumnInt(first + 4);
  media.name = row.ColumnText(first + 5);
  media.digest = row.ColumnText(first + 6);
  media.thumbnail_digest = row.ColumnText(first + 7);
  media.thumbnail_mime = row.ColumnText(first + 8);
  media.width = row.ColumnInt(first + 9);
  media.height = row.ColumnInt(first + 10);
  media.duration_ms = row.ColumnInt(first + 11);
  media.preview = row.ColumnText(first + 12);
  media.created_at = row.ColumnInt(first + 13);
  media.is_public = row.ColumnInt(first + 14) != 0;
  media.attached_at = row.ColumnInt(first + 15);
  return media;
}

Upload ReadUpload(const Statement& row, int first) {
  Upload upload;
  upload.id = row.ColumnText(first);
  upload.owner_id = row.ColumnInt(first + 1);
  upload.kind = row.ColumnText(first + 2);
  upload.name = row.ColumnText(first + 3);
  upload.size = row.ColumnInt(first + 4);
  upload.received = row.ColumnInt(first + 5);
  upload.created_at = row.ColumnInt(first + 6);
  upload.expires_at = row.ColumnInt(first + 7);
  return upload;
}

Status StoreFailure(std::string_view op, const Status& cause) {
  return DbFailure("store: " + std::string(op), cause);
}

std::string ContainsPattern(std::string_view query) {
  std::string pattern = "%";
  for (char c : query) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  pattern.push_back('%');
  return pattern;
}

Result<bool> RunReturning(std::string_view op, Statement& stmt) {
  Result<bool> row = stmt.Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (Status s = stmt.Run(); !s.ok()) return StoreFailure(op, s);
  return *row;
}

}  // namespace parley::store::sql
