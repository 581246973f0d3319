#include "chat/media/upload_slots.h"

#include <sodium.h>

#include <utility>

#include "base/clock.h"
#include "base/utf8.h"
#include "chat/media/media_rules.h"
#include "media/media_type.h"

namespace parley::chat {
namespace {

constexpr size_t kIdHexDigits = 32;  // the random part of upload and media ids
constexpr size_t kMaxContentTypeBytes = 255;
constexpr std::string_view kPutContext = "xmpp-upload put";
constexpr std::string_view kGetContext = "xmpp-upload get";

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsTokenChar(char c) {  // RFC 9110's tchar
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// type "/" subtype, both tokens; parameters (";charset=...") are not part of a file's type.
bool IsMediaType(std::string_view type) {
  const size_t slash = type.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == type.size()) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    if (i != slash && !IsTokenChar(type[i])) return false;
  }
  return true;
}

Status CheckRequest(const SlotRequest& request) {
  const std::string_view name = request.filename;
  if (name.empty() || name.size() > kMaxFileNameBytes || !IsValidUtf8(name)) {
    return Status(Code::kInvalidArgument, "the filename is 1 to 255 bytes of UTF-8");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
      return Status(Code::kInvalidArgument, "the filename holds a path separator or control");
    }
  }
  if (request.size <= 0) return Status(Code::kInvalidArgument, "size must be at least 1 byte");
  if (!request.content_type.empty() &&
      (request.content_type.size() > kMaxContentTypeBytes || !IsMediaType(request.content_type))) {
    return Status(Code::kInvalidArgument, "content-type must be type/subtype");
  }
  return Status::Ok();
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

UploadSlots::UploadSlots(store::Store& store, MediaService& media, Signer sign)
    : store_(store), media_(media), sign_(std::move(sign)) {}

Result<UploadSlot> UploadSlots::Request(int64_t owner_id, const SlotRequest& request) {
  if (Status checked = CheckRequest(request); !checked.ok()) return checked;
  const bool image = media::IsSupportedImage(Lowercase(request.content_type));
  auto upload =
      media_.Create(owner_id, NewUpload{request.filename, request.size, image ? "image" : "file"});
  if (!upload.ok()) return upload.status();
  UploadSlot slot{std::move(*upload), "", ""};
  slot.put_token = TokenOf(slot.upload.id);
  slot.get_token = TokenOf("m_" + slot.upload.id.substr(2));
  return slot;
}

Result<store::Upload> UploadSlots::PendingUpload(std::string_view put_token) {
  const std::string id = IdOf(put_token, "u_");
  if (id.empty()) return Status(Code::kNotFound, "no such upload slot");
  auto upload = store_.FindUpload(id);
  if (!upload.ok() || upload->expires_at <= NowMillis()) {
    return Status(Code::kNotFound, "no such upload slot");
  }
  return upload;
}

Result<MediaFile> UploadSlots::Open(std::string_view get_token) {
  const std::string id = IdOf(get_token, "m_");
  if (id.empty()) return Status(Code::kNotFound, "no such media");
  auto media = store_.FindMedia(id);
  if (!media.ok()) return Status(Code::kNotFound, "no such media");
  return media_.Open(media->owner_id, id, /*thumbnail=*/false);
}

std::string UploadSlots::GetTokenOf(std::string_view media_id) const { return TokenOf(media_id); }

Result<store::Media> UploadSlots::OwnMedia(int64_t owner_id, std::string_view get_token) {
  const std::string id = IdOf(get_token, "m_");
  if (id.empty()) return Status(Code::kNotFound, "no such media");
  auto media = store_.FindMedia(id);
  if (!media.ok() || media->owner_id != owner_id) return Status(Code::kNotFound, "no such media");
  return media;
}

std::string UploadSlots::TokenOf(std::string_view id) const {
  const std::string_view context = id.substr(0, 2) == "u_" ? kPutContext : kGetContext;
  return std::string(id.substr(2)) + sign_(id, context);
}

std::string UploadSlots::IdOf(std::string_view token, std::string_view prefix) const {
  if (token.size() != 2 * kIdHexDigits || !IsLowerHex(token)) return "";
  const std::string id = std::string(prefix) + std::string(token.substr(0, kIdHexDigits));
  const std::string expected = TokenOf(id);
  if (sodium_memcmp(expected.data(), token.data(), token.size()) != 0) return "";
  return id;
}

}  // namespace parley::chat
