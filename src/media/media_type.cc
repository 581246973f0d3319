#include "media/media_type.h"

#include <magic.h>

namespace parley::media {
namespace {

constexpr std::string_view kUnknownMime = "application/octet-stream";

// One libmagic handle per thread (a handle is not safe to share), opened and loaded on the
// thread's first sniff. Compressed files are not looked into: a gzip bomb stays a gzip file.
class MagicHandle {
 public:
  MagicHandle() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS)) {
    if (cookie_ != nullptr && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~MagicHandle() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;

  magic_t get() const { return cookie_; }

 private:
  magic_t cookie_;
};

}  // namespace

std::string_view MediaKindName(MediaKind kind) {
  switch (kind) {
    case MediaKind::kImage:
      return "image";
    case MediaKind::kVoice:
      return "voice";
    case MediaKind::kFile:
      return "file";
    case MediaKind::kVideo:
      return "video";
  }
  return "file";
}

bool ParseMediaKind(std::string_view name, MediaKind* kind) {
  for (MediaKind candidate :
       {MediaKind::kImage, MediaKind::kVoice, MediaKind::kFile, MediaKind::kVideo}) {
    if (name == MediaKindName(candidate)) {
      *kind = candidate;
      return true;
    }
  }
  return false;
}

std::string SniffMime(const std::string& path) {
  thread_local const MagicHandle handle;
  if (handle.get() == nullptr) return std::string(kUnknownMime);
  const char* mime = magic_file(handle.get(), path.c_str());
  if (mime == nullptr || *mime == '\0') return std::string(kUnknownMime);
  return mime;
}

bool IsSupportedImage(std::string_view mime) {
  return mime == "image/jpeg" || mime == "image/png" || mime == "image/webp" || mime == "image/gif";
}

}  // namespace parley::media
