#include "chat/media/media_rules.h"

#include "base/utf8.h"
#include "chat/social/moments.h"

namespace parley::chat {
namespace {

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7f && c < 0xa0); }

Status NoSuchMedia() { return Status(Code::kNotFound, "no such media"); }

}  // namespace

Result<store::Media> SendableMedia(store::WriteTxn& txn, int64_t sender_id,
                                   std::string_view media_id) {
  auto media = txn.FindMedia(media_id);
  if (!media.ok()) return media.status();
  if (media->owner_id != sender_id) return NoSuchMedia();
  return media;
}

Status UseAsAvatar(store::WriteTxn& txn, int64_t user_id, std::string_view media_id, int64_t now) {
  auto media = SendableMedia(txn, user_id, media_id);
  if (!media.ok()) return media.status();
  if (media->kind != "image") {
    return Status(Code::kUnsupportedMedia, "an avatar must be an image");
  }
  return txn.MakeMediaPublic(media_id, now);
}

std::string SanitizeFileName(std::string_view name) {
  std::string out;
  size_t pos = 0;
  while (pos < name.size()) {
    std::optional<DecodedCodePoint> decoded = DecodeUtf8At(name, pos);
    if (!decoded) {
      ++pos;
      continue;
    }
    const std::string_view bytes = name.substr(pos, decoded->length);
    pos += decoded->length;
    if (IsControl(decoded->code_point)) continue;
    if (out.size() + bytes.size() > kMaxFileNameBytes) break;
    if (bytes == "/" || bytes == "\\") {
      out += '_';
    } else if (!out.empty() || (bytes != "." && bytes != " ")) {
      out += bytes;
    }
  }
  return out.empty() ? "file" : out;
}

Result<store::Media> ReadableMedia(store::Store& store, int64_t user_id,
                                   std::string_view media_id) {
  auto media = store.FindMedia(media_id);
  if (!media.ok()) return media.status();
  if (media->owner_id == user_id || media->is_public) return media;
  auto readable = store.MediaReadableBy(media_id, user_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) readable = MomentMediaReadable(store, user_id, media_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) return NoSuchMedia();
  return media;
}

}  // namespace parley::chat
