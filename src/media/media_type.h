// The real type of uploaded bytes, read from the bytes themselves (libmagic), never from what the
// client claims. The claimed type only says which use the client intends (image, voice, file);
// the bytes decide whether that use is allowed.
//
// Contract
// - SniffMime never fails: bytes libmagic cannot name are "application/octet-stream".
// - Thread-safe: each call uses a libmagic handle private to its thread.
#ifndef PARLEY_MEDIA_MEDIA_TYPE_H_
#define PARLEY_MEDIA_MEDIA_TYPE_H_

#include <string>
#include <string_view>

namespace parley::media {

enum class MediaKind {
  kImage = 1,  // JPEG, PNG, WebP or GIF: re-encoded without metadata, with a thumbnail
  kVoice = 2,  // Opus in Ogg or WebM (what browsers record): duration measured
  kFile = 3,   // anything else, served as a download
  kVideo = 4,  // WebM or MP4 (VP8/VP9/AV1/H.264): rewritten without metadata, with a poster
};

// "image", "voice", "file", "video"; ParseMediaKind reads those names back (false for any other).
std::string_view MediaKindName(MediaKind kind);
bool ParseMediaKind(std::string_view name, MediaKind* kind);

// The MIME type of the file at `path` as libmagic reads it ("image/jpeg", "audio/ogg",
// "video/webm", "application/pdf", ...).
std::string SniffMime(const std::string& path);

// Whether `mime` is one of the image types Parley decodes (JPEG, PNG, WebP, GIF).
bool IsSupportedImage(std::string_view mime);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_MEDIA_TYPE_H_
