// UploadSlots: uploads behind capability URLs, for clients that can only PUT a whole file to a
// URL and GET it from another with no credentials (XEP-0363 HTTP File Upload; docs/xmpp.md).
//
// A slot is a MediaService upload made by Request, under the same rules as the native one
// (size limit, storage quota, kinds): its PUT token names it and its GET token names the media
// it becomes (MediaService::Complete gives the media its upload's random part as id). A token is
// that 32-hex-digit random part followed by a MAC of the id under the server's secret key
// (`Signer`), so only the server makes tokens, and knowing a media id (as the members of its
// conversation do) gives no token. The PUT token is single use (the upload is gone once the
// body is in) and dies when the upload expires; the GET token lets anyone holding it fetch the
// media as long as it exists, without the reader rules of media_rules.h: that is the trade-off
// a capability URL makes (docs/xmpp.md, "HTTP upload").
//
// Thread-safety: thread-safe. Request, PendingUpload, Open and OwnMedia BLOCK (store reads,
// writer commits): call them from worker threads. Ownership: borrows the store and the media
// service, which must outlive it.
#ifndef PARLEY_CHAT_MEDIA_UPLOAD_SLOTS_H_
#define PARLEY_CHAT_MEDIA_UPLOAD_SLOTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "chat/media/media_service.h"
#include "store/store.h"

namespace parley::chat {

struct SlotRequest {
  std::string filename;      // 1 to 255 bytes, no '/', no control characters
  int64_t size = 0;          // the exact size the PUT will carry
  std::string content_type;  // type/subtype (empty: application/octet-stream)
};

struct UploadSlot {
  store::Upload upload;
  std::string put_token;
  std::string get_token;
};

class UploadSlots {
 public:
  // MAC of `message` under the server's key for `context` (auth::SecretBox::Mac).
  using Signer = std::function<std::string(std::string_view message, std::string_view context)>;

  UploadSlots(store::Store& store, MediaService& media, Signer sign);

  MediaService& media() { return media_; }

  // A new upload of `owner_id` for the file: an image kind when the type is an image Parley
  // decodes (the PUT's bytes must then be one), else a file. kInvalidArgument for a bad name,
  // size or type; kTooLarge, kQuotaExceeded as MediaService::Create.
  Result<UploadSlot> Request(int64_t owner_id, const SlotRequest& request);
  // The open upload a PUT token names; kNotFound for a token the server did not make, an
  // upload that is finished, abandoned or expired.
  Result<store::Upload> PendingUpload(std::string_view put_token);
  // The media a GET token names (as its uploader would open it); kNotFound as PendingUpload
  // and for a media not (yet, or any more) there.
  Result<MediaFile> Open(std::string_view get_token);
  // The GET token of a media (for delivering it as a URL to XMPP clients, who are members of
  // its conversation when they get it).
  std::string GetTokenOf(std::string_view media_id) const;
  // The media a GET token names if `owner_id` uploaded it (a message that links an upload of
  // the sender's own becomes that media); kNotFound otherwise.
  Result<store::Media> OwnMedia(int64_t owner_id, std::string_view get_token);

 private:
  // The id ("u_..." or "m_...") a token names if its MAC holds; empty otherwise.
  std::string IdOf(std::string_view token, std::string_view prefix) const;
  std::string TokenOf(std::string_view id) const;

  store::Store& store_;
  MediaService& media_;
  const Signer sign_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MEDIA_UPLOAD_SLOTS_H_
