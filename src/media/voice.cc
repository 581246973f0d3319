#include "media/voice.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "media/media_type.h"
#include "media/voice_containers.h"

namespace parley::media {
namespace {

// A read-only memory map of a whole file: the parsers see its bytes without copying them.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      status_ = Status(errno == ENOENT ? Code::kNotFound : Code::kInternal,
                       "cannot open " + path + ": " + std::strerror(errno));
      return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      status_ = Status(Code::kInternal, "cannot stat " + path + ": " + std::strerror(errno));
    } else if (st.st_size > 0) {
      size_ = static_cast<size_t>(st.st_size);
      data_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data_ == MAP_FAILED) {
        data_ = nullptr;
        status_ = Status(Code::kInternal, "cannot map " + path + ": " + std::strerror(errno));
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const Status& status() const { return status_; }
  std::string_view bytes() const {
    return data_ == nullptr ? std::string_view()
                            : std::string_view(static_cast<char*>(data_), size_);
  }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
  Status status_;
};

}  // namespace

Result<VoiceInfo> ProbeVoice(const std::string& path) {
  // libmagic decides the container; the parser then decides whether Opus is inside.
  const std::string sniffed = SniffMime(path);
  const bool ogg = sniffed == "audio/ogg" || sniffed == "application/ogg";
  const bool webm = sniffed == "video/webm" || sniffed == "audio/webm";
  if (!ogg && !webm) {
    return Status(Code::kUnsupportedMedia, "not Opus in Ogg or WebM (" + sniffed + ")");
  }
  MappedFile file(path);
  if (!file.status().ok()) return file.status();
  Result<int64_t> duration =
      ogg ? internal::OggOpusDurationMs(file.bytes()) : internal::WebmOpusDurationMs(file.bytes());
  if (!duration.ok()) return duration.status();
  return VoiceInfo{.mime = ogg ? "audio/ogg" : "audio/webm", .duration_ms = *duration};
}

}  // namespace parley::media
