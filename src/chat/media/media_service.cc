#include "chat/media/media_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random_hex.h"
#include "chat/media/media_rules.h"
#include "media/media_type.h"
#include "media/voice.h"

namespace parley::chat {
namespace {

namespace fs = std::filesystem;

constexpr size_t kIdRandomBytes = 16;  // ids are a prefix and 32 hex digits
constexpr int kCleanupBatch = 100;

Status IoError(std::string_view what) {
  return Status(Code::kInternal, "media: " + std::string(what) + ": " + std::strerror(errno));
}

// Writes all of `bytes` at `offset` of the file.
Status WriteAt(int fd, int64_t offset, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                               static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("write upload file");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

void RemoveFile(const std::string& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

}  // namespace

class MediaService::Claim {
 public:
  Claim(MediaService& service, std::string_view upload_id) : service_(service), id_(upload_id) {
    std::lock_guard lock(service_.busy_mu_);
    taken_ = service_.busy_.insert(id_).second;
  }
  ~Claim() {
    if (!taken_) return;
    std::lock_guard lock(service_.busy_mu_);
    service_.busy_.erase(id_);
  }
  Claim(const Claim&) = delete;
  Claim& operator=(const Claim&) = delete;

  bool taken() const { return taken_; }

 private:
  MediaService& service_;
  std::string id_;
  bool taken_ = false;
};

MediaService::MediaService(store::Store& store, MessageWriter& writer, media::BlobStore& blobs,
                           MediaOptions options)
    : store_(store), writer_(writer), blobs_(blobs), options_(std::move(options)) {}

std::string MediaService::TempPath(std::string_view upload_id, std::string_view suffix) const {
  // Upload ids are made here ("u_" + hex) and looked up before any path is built from them.
  return options_.media_dir + "/tmp/" + std::string(upload_id) + std::string(suffix);
}

// --- uploads ---

Result<store::Upload> MediaService::Create(int64_t owner_id, const NewUpload& request) {
  media::MediaKind kind;
  if (!media::ParseMediaKind(request.kind, &kind)) {
    return Status(Code::kInvalidArgument, "kind must be image, voice, file or video");
  }
  if (request.size <= 0) return Status(Code::kInvalidArgument, "size must be at least 1 byte");
  if (request.size > options_.max_upload_bytes) {
    return Status(Code::kTooLarge,
                  "uploads are at most " + std::to_string(options_.max_upload_bytes) + " bytes");
  }
  if (kind == media::MediaKind::kVideo && request.size > options_.video.max_bytes) {
    return Status(Code::kTooLarge,
                  "videos are at most " + std::to_string(options_.video.max_bytes) + " bytes");
  }
  const int64_t now = NowMillis();
  const store::Upload upload{"u_" + RandomHex(kIdRandomBytes),
                             owner_id,
                             request.kind,
                             SanitizeFileName(request.name),
                             request.size,
                             0,
                             now,
                             now + options_.upload_expiry_ms};
  Status created = writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto used = txn.MediaBytes(owner_id);
    if (!used.ok()) return used.status();
    if (*used + upload.size > options_.quota_bytes) {
      return Status(Code::kQuotaExceeded, "your media would exceed your storage quota of " +
                                              std::to_string(options_.quota_bytes) + " bytes");
    }
    return txn.CreateUpload(upload);
  });
  if (!created.ok()) return created;
  return upload;
}

Result<store::Upload> MediaService::FindOwn(int64_t owner_id, std::string_view upload_id) {
  auto upload = store_.FindUpload(upload_id);
  if (!upload.ok()) return upload.status();
  if (upload->owner_id != owner_id) return Status(Code::kNotFound, "no such upload");
  return upload;
}

Result<store::Upload> MediaService::Find(int64_t owner_id, std::string_view upload_id) {
  return FindOwn(owner_id, upload_id);
}

Result<std::unique_ptr<MediaService::ChunkWriter>> MediaService::BeginChunk(
    int64_t owner_id, std::string_view upload_id, const ChunkRange& range) {
  if (range.length <= 0) return Status(Code::kInvalidArgument, "the chunk is empty");
  if (range.length > options_.chunk_bytes) {
    return Status(Code::kTooLarge,
                  "chunks are at most " + std::to_string(options_.chunk_bytes) + " bytes");
  }
  auto claim = std::make_unique<Claim>(*this, upload_id);
  if (!claim->taken()) return Status(Code::kConflict, "another request is writing this upload");
  auto upload = FindOwn(owner_id, upload_id);
  if (!upload.ok()) return upload.status();
  if (range.total != upload->size) {
    return Status(Code::kInvalidArgument, "the total must be the declared size, " +
                                              std::to_string(upload->size) + " bytes");
  }
  if (range.start != upload->received) {
    return Status(Code::kConflict, "the server has " + std::to_string(upload->received) +
                                       " bytes of this upload; continue from there");
  }
  if (range.start + range.length > upload->size) {
    return Status(Code::kInvalidArgument, "the chunk runs past the declared size");
  }
  const int fd = ::open(TempPath(upload->id).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("open upload file");
  return std::unique_ptr<ChunkWriter>(
      new ChunkWriter(*this, std::move(claim), upload->id, fd, range));
}

MediaService::ChunkWriter::ChunkWriter(MediaService& service, std::unique_ptr<Claim> claim,
                                       std::string upload_id, int fd, ChunkRange range)
    : service_(service),
      claim_(std::move(claim)),
      upload_id_(std::move(upload_id)),
      fd_(fd),
      range_(range) {}

MediaService::ChunkWriter::~ChunkWriter() { ::close(fd_); }

Status MediaService::ChunkWriter::Write(std::string_view bytes) {
  if (written_ + static_cast<int64_t>(bytes.size()) > range_.length) {
    return Status(Code::kInvalidArgument, "the body must hold exactly the bytes of Content-Range");
  }
  Status status = WriteAt(fd_, range_.start + written_, bytes);
  if (status.ok()) written_ += static_cast<int64_t>(bytes.size());
  return status;
}

// The bytes are made durable before `received` counts them, so it never counts bytes a crash
// could lose.
Result<int64_t> MediaService::ChunkWriter::Finish() {
  if (written_ != range_.length) {
    return Status(Code::kInvalidArgument, "the body must hold exactly the bytes of Content-Range");
  }
  if (::fdatasync(fd_) != 0) return IoError("sync upload file");
  const int64_t received = range_.start + range_.length;
  Status stored = service_.writer_.Run([&](store::WriteTxn& txn, ConversationCache&) {
    return txn.SetUploadReceived(upload_id_, received);
  });
  if (!stored.ok()) return stored;
  return received;
}

Status MediaService::Abandon(int64_t owner_id, std::string_view upload_id) {
  Claim claim(*this, upload_id);
  if (!claim.taken()) return Status(Code::kConflict, "another request is at work on this upload");
  auto upload = FindOwn(owner_id, upload_id);
  if (!upload.ok()) return upload.status();
  Discard(upload->id);
  return Status::Ok();
}

void MediaService::Discard(std::string_view upload_id) {
  (void)writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto removed = txn.RemoveUpload(upload_id);
    return removed.ok() ? Status::Ok() : removed.status();
  });
  RemoveTempFiles(upload_id);
}

void MediaService::RemoveTempFiles(std::string_view upload_id) {
  for (std::string_view suffix : {"", ".out", ".thumb"}) RemoveFile(TempPath(upload_id, suffix));
}

// --- completion ---

Result<store::Media> MediaService::Complete(int64_t owner_id, std::string_view upload_id) {
  Claim claim(*this, upload_id);
  if (!claim.taken()) return Status(Code::kConflict, "another request is at work on this upload");
  auto upload = FindOwn(owner_id, upload_id);
  if (!upload.ok()) return upload.status();
  if (upload->received != upload->size) {
    return Status(Code::kConflict, "the upload has " + std::to_string(upload->received) + " of " +
                                       std::to_string(upload->size) + " bytes");
  }
  const std::string input = TempPath(upload->id);
  const std::string output = TempPath(upload->id, ".out");
  const std::string thumbnail = TempPath(upload->id, ".thumb");
  // A crash between a write and its commit may have left bytes past `received`.
  std::error_code ec;
  fs::resize_file(input, static_cast<uintmax_t>(upload->size), ec);
  if (ec) {
    Discard(upload->id);
    return Status(Code::kInternal, "media: the upload's bytes are missing");
  }
  auto processed = Process(*upload, input, output, thumbnail);
  if (!processed.ok()) {
    Discard(upload->id);
    return processed.status();
  }
  auto media = Commit(*upload, std::move(*processed), output, thumbnail);
  if (media.ok()) {
    RemoveTempFiles(upload->id);  // the row went with the commit
  } else {
    Discard(upload->id);
  }
  return media;
}

Result<store::Media> MediaService::Process(const store::Upload& upload, const std::string& input,
                                           const std::string& output,
                                           const std::string& thumbnail) {
  store::Media media;
  media.kind = upload.kind;
  media.name = upload.name;
  media::MediaKind kind = media::MediaKind::kFile;
  media::ParseMediaKind(upload.kind, &kind);
  switch (kind) {
    case media::MediaKind::kImage: {
      if (!media::IsSupportedImage(media::SniffMime(input))) {
        return Status(Code::kUnsupportedMedia, "the bytes are not a JPEG, PNG, WebP or GIF image");
      }
      auto image = media::ProcessImage(input, output, thumbnail, options_.image);
      if (!image.ok()) return image.status();
      media.mime = image->mime;
      media.width = image->width;
      media.height = image->height;
      media.preview = std::move(image->preview);
      media.thumbnail_mime = std::move(image->thumbnail_mime);
      break;
    }
    case media::MediaKind::kVoice: {
      auto voice = media::ProbeVoice(input);
      if (!voice.ok()) return voice.status();
      media.mime = voice->mime;
      media.duration_ms = voice->duration_ms;
      break;
    }
    case media::MediaKind::kVideo: {
      auto video = media::ProcessVideo(input, output, thumbnail, options_.video);
      if (!video.ok()) return video.status();
      media.mime = video->mime;
      media.width = video->width;
      media.height = video->height;
      media.duration_ms = video->duration_ms;
      media.preview = std::move(video->preview);
      media.thumbnail_mime = std::move(video->poster_mime);
      break;
    }
    case media::MediaKind::kFile:
      media.mime = media::SniffMime(input);
      break;
  }
  if (kind != media::MediaKind::kImage && kind != media::MediaKind::kVideo) {
    // Served as uploaded: the upload's own file becomes the stored one.
    std::error_code ec;
    fs::rename(input, output, ec);
    if (ec) return Status(Code::kInternal, "media: cannot move the upload: " + ec.message());
  }
  std::error_code ec;
  const uintmax_t size = fs::file_size(output, ec);
  if (ec) return Status(Code::kInternal, "media: cannot read the processed file");
  media.size = static_cast<int64_t>(size);
  return media;
}

Result<store::Media> MediaService::Commit(const store::Upload& upload, store::Media media,
                                          const std::string& output, const std::string& thumbnail) {
  std::lock_guard lock(blobs_mu_);
  auto digest = blobs_.Put(output);
  if (!digest.ok()) return digest.status();
  media.digest = std::move(*digest);
  if (!media.thumbnail_mime.empty()) {
    auto thumb = blobs_.Put(thumbnail);
    if (!thumb.ok()) return thumb.status();
    media.thumbnail_digest = std::move(*thumb);
  }
  media.id = "m_" + upload.id.substr(2);  // its upload's random part (chat/media/upload_slots.h)
  media.owner_id = upload.owner_id;
  media.created_at = NowMillis();
  Status committed = writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto removed = txn.RemoveUpload(upload.id);
    if (!removed.ok()) return removed.status();
    if (!*removed) return Status(Code::kNotFound, "no such upload");
    return txn.CreateMedia(media);
  });
  if (!committed.ok()) return committed;
  return media;
}

// --- downloads ---

Result<store::Media> MediaService::Info(int64_t user_id, std::string_view media_id) {
  return ReadableMedia(store_, user_id, media_id);
}

Result<MediaFile> MediaService::Open(int64_t user_id, std::string_view media_id, bool thumbnail) {
  auto media = ReadableMedia(store_, user_id, media_id);
  if (!media.ok()) return media.status();
  const std::string& digest = thumbnail ? media->thumbnail_digest : media->digest;
  if (digest.empty()) return Status(Code::kNotFound, "this media has no thumbnail");
  MediaFile file{store::Media(), "", "", digest};
  if (!options_.redirect_downloads) {  // else the caller asks for DownloadUrl
    auto path = blobs_.PathOf(digest);
    if (!path.ok()) return path.status();
    file.path = std::move(*path);
  }
  file.mime = thumbnail ? media->thumbnail_mime : media->mime;
  file.media = std::move(*media);
  return file;
}

Result<std::string> MediaService::DownloadUrl(const MediaFile& file,
                                              const std::string& content_type,
                                              const std::string& content_disposition) {
  return blobs_.DownloadUrl(file.etag, content_type, content_disposition);
}

// --- cleanup ---

Result<CleanupCounts> MediaService::CleanUp(int64_t now) {
  auto uploads = RemoveExpiredUploads(now);
  if (!uploads.ok()) return uploads.status();
  auto counts = RemoveOrphanMedia(now);
  if (!counts.ok()) return counts.status();
  counts->uploads = *uploads;
  auto strays = RemoveStrays(now);
  if (!strays.ok()) return strays.status();
  counts->strays = *strays;
  return counts;
}

Result<int64_t> MediaService::RemoveExpiredUploads(int64_t now) {
  int64_t removed = 0;
  for (;;) {
    auto expired = store_.ExpiredUploads(now, kCleanupBatch);
    if (!expired.ok()) return expired.status();
    int64_t progress = 0;
    for (const store::Upload& upload : *expired) {
      Claim claim(*this, upload.id);
      if (!claim.taken()) continue;  // in use right now: the next pass takes it
      Discard(upload.id);
      ++progress;
    }
    removed += progress;
    if (progress == 0 || expired->size() < static_cast<size_t>(kCleanupBatch)) return removed;
  }
}

Status MediaService::RunFreeingBlobs(const BlobFreeingTask& erase) {
  std::lock_guard lock(blobs_mu_);
  std::vector<std::string> unused;
  Status status = writer_.Run([&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto freed = erase(txn, cache);
    if (!freed.ok()) return freed.status();
    unused = std::move(*freed);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  // A blob left behind by a failed removal is a stray that CleanUp removes later.
  for (const std::string& digest : unused) (void)blobs_.Remove(digest);
  return Status::Ok();
}

Result<CleanupCounts> MediaService::RemoveOrphanMedia(int64_t now) {
  CleanupCounts counts;
  for (;;) {
    auto orphans = store_.UnattachedMedia(now - options_.orphan_grace_ms, kCleanupBatch);
    if (!orphans.ok()) return orphans.status();
    int64_t progress = 0;
    for (const store::Media& orphan : *orphans) {
      std::lock_guard lock(blobs_mu_);
      std::vector<std::string> unused;
      bool removed = false;
      Status status = writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
        removed = false;
        // It may have been sent since it was listed.
        auto media = txn.FindMedia(orphan.id);
        if (!media.ok()) return media.status();
        if (media->attached_at != 0) return Status::Ok();
        auto freed = txn.RemoveMedia(orphan.id);
        if (!freed.ok()) return freed.status();
        unused = std::move(*freed);
        removed = true;
        return Status::Ok();
      });
      if (!status.ok() && status.code() != Code::kNotFound) return status;
      if (!removed) continue;
      ++progress;
      for (const std::string& digest : unused) {
        if (blobs_.Remove(digest).ok()) ++counts.blobs;
      }
    }
    counts.media += progress;
    if (progress == 0 || orphans->size() < static_cast<size_t>(kCleanupBatch)) return counts;
  }
}

Result<int64_t> MediaService::RemoveStrays(int64_t now) {
  const int64_t cutoff = now - options_.orphan_grace_ms;
  int64_t removed = 0;
  auto blobs = blobs_.ListOlderThan(cutoff);
  if (!blobs.ok()) return blobs.status();
  for (const std::string& digest : *blobs) {
    // Held so that no media row starts naming the blob between the check and the removal.
    std::lock_guard lock(blobs_mu_);
    auto used = store_.DigestInUse(digest);
    if (!used.ok()) return used.status();
    if (!*used && blobs_.Remove(digest).ok()) ++removed;
  }
  // Temporary files are "<upload id>" plus a suffix (TempPath).
  std::error_code error;
  for (std::filesystem::directory_iterator it(options_.media_dir + "/tmp", error), end;
       !error && it != end; it.increment(error)) {
    std::error_code stat_error;
    const auto written = std::filesystem::last_write_time(it->path(), stat_error);
    if (stat_error || !it->is_regular_file(stat_error)) continue;
    const auto written_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::file_clock::to_sys(written).time_since_epoch());
    if (written_ms.count() >= cutoff) continue;
    const std::string name = it->path().filename().string();
    const std::string upload_id = name.substr(0, name.find('.'));
    Claim claim(*this, upload_id);
    if (!claim.taken()) continue;  // being worked on
    auto upload = store_.FindUpload(upload_id);
    if (upload.ok()) continue;
    if (upload.status().code() != Code::kNotFound) return upload.status();
    if (std::filesystem::remove(it->path(), stat_error)) ++removed;
  }
  if (error) return Status(Code::kInternal, "cannot list temporary files: " + error.message());
  return removed;
}

}  // namespace parley::chat
