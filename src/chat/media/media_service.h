// MediaService: resumable uploads, their processing into media, downloads, and the cleanup of
// what was never finished or never used (docs/protocol.md, "Media").
//
// An upload is a row (uploads) plus a temporary file <media_dir>/tmp/<upload id> that grows by
// chunks appended at exactly the offset the server has (so a client resumes after a network
// loss by asking for `received`). Completing it sniffs the real type of the bytes, processes
// them for the intended kind (images are decoded, stripped of metadata and thumbnailed; voice
// clips measured; videos checked, rewritten without metadata and given a poster), moves the
// results into the content-addressed blob store and inserts the media row, removing the upload in
// the same writer task. Any failure discards the upload: no temporary file, row or blob is left
// behind by it.
//
// Thread-safety: thread-safe. Every method BLOCKS (file I/O, image processing, writer commits):
// call them from worker threads, never from an I/O thread nor the writer thread. One upload is
// worked on by one call at a time: a concurrent call on the same upload fails kConflict.
// Ownership: borrows the store, writer and blob store; all must outlive it.
#ifndef PARLEY_CHAT_MEDIA_MEDIA_SERVICE_H_
#define PARLEY_CHAT_MEDIA_MEDIA_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"
#include "chat/messaging/message_writer.h"
#include "media/blob_store.h"
#include "media/image.h"
#include "media/video.h"
#include "store/store.h"

namespace parley::chat {

struct MediaOptions {
  std::string media_dir;                          // the blob store's directory; tmp/ inside
  int64_t max_upload_bytes = 100LL << 20;         // one upload's declared size at most
  int64_t chunk_bytes = 4LL << 20;                // one PUT's body at most
  int64_t quota_bytes = 1LL << 30;                // a user's media plus open uploads at most
  int64_t upload_expiry_ms = 24LL * 3600 * 1000;  // an upload not completed by then is removed
  int64_t orphan_grace_ms = 24LL * 3600 * 1000;   // media never used by then are removed
  media::ImageLimits image;
  bool redirect_downloads = false;  // downloads go to the blob store's presigned URLs
  media::VideoLimits video;
};

struct NewUpload {
  std::string name;  // sanitized by Create
  int64_t size = 0;
  std::string kind;  // "image", "voice", "file" or "video"
};

// One chunk: bytes [start, start + length) of an upload of `total` bytes.
struct ChunkRange {
  int64_t start = 0;
  int64_t length = 0;
  int64_t total = 0;
};

// What a download serves: a file of the blob store and how to label it.
struct MediaFile {
  store::Media media;
  std::string path;  // read it right away: blobs of removed media disappear; empty when
                     // options().redirect_downloads (then ask DownloadUrl)
  std::string mime;  // of this file (the thumbnail's own type for thumbnails)
  std::string etag;  // the digest of the bytes
};

// What a cleanup pass removed.
struct CleanupCounts {
  int64_t uploads = 0;
  int64_t media = 0;
  int64_t blobs = 0;
  int64_t strays = 0;  // blobs and temporary files no row names (left by a crash)
};

class MediaService {
  // Marks an upload busy for the lifetime of the claim (kConflict if it already is).
  class Claim;

 public:
  MediaService(store::Store& store, MessageWriter& writer, media::BlobStore& blobs,
               MediaOptions options);

  const MediaOptions& options() const { return options_; }

  // kInvalidArgument: unknown kind, size 0; kTooLarge: size over max_upload_bytes (a video's
  // over video.max_bytes);
  // kQuotaExceeded: the user's media and open uploads would exceed quota_bytes.
  Result<store::Upload> Create(int64_t owner_id, const NewUpload& request);
  // The user's upload (kNotFound for anyone else's or a finished one).
  Result<store::Upload> Find(int64_t owner_id, std::string_view upload_id);
  // Writes one chunk as its bytes arrive, so no chunk is held whole in memory: Write() the
  // bytes in order (each piece goes straight to the upload's file), then Finish(). Nothing counts
  // until Finish(): a writer destroyed before it leaves `received` as it was (the bytes past it
  // are overwritten by the next chunk). While the writer lives it holds the upload: any other
  // call on it fails kConflict. Every method blocks (file I/O).
  class ChunkWriter {
   public:
    ~ChunkWriter();
    ChunkWriter(const ChunkWriter&) = delete;
    ChunkWriter& operator=(const ChunkWriter&) = delete;
    // kInvalidArgument when the bytes run past the chunk's length.
    Status Write(std::string_view bytes);
    // Makes the chunk durable and commits it; returns the bytes received afterwards.
    // kInvalidArgument when fewer bytes than the chunk's length were written.
    Result<int64_t> Finish();

   private:
    friend class MediaService;
    ChunkWriter(MediaService& service, std::unique_ptr<Claim> claim, std::string upload_id, int fd,
                ChunkRange range);
    MediaService& service_;
    std::unique_ptr<Claim> claim_;
    std::string upload_id_;
    int fd_;
    ChunkRange range_;
    int64_t written_ = 0;
  };
  // Starts a chunk, checked before any byte of it is read. kConflict when range.start is not
  // what the server has (ask Find for `received`) or another call is at work on the upload;
  // kInvalidArgument when total is not the declared size or the chunk is empty or overruns it;
  // kTooLarge over chunk_bytes; kNotFound as Find.
  Result<std::unique_ptr<ChunkWriter>> BeginChunk(int64_t owner_id, std::string_view upload_id,
                                                  const ChunkRange& range);
  // Processes the finished upload into a media (see the top of this file). kConflict if not
  // every byte was received; kUnsupportedMedia, kInvalidArgument, kTooLarge from the checks of
  // the kind (then the upload is gone). The media's id is "m_" and the upload id's random part
  // (so an upload slot knows its media's id beforehand: upload_slots.h).
  Result<store::Media> Complete(int64_t owner_id, std::string_view upload_id);
  // Removes the upload and its bytes. kNotFound if there is no such upload of the user.
  Status Abandon(int64_t owner_id, std::string_view upload_id);

  // The media (or its thumbnail) if `user_id` may fetch it (media_rules.h); kNotFound
  // otherwise, and for the thumbnail of a media that has none.
  Result<MediaFile> Open(int64_t user_id, std::string_view media_id, bool thumbnail);
  // A short-lived URL of the blob store serving `file` (one Open returned, so the reader was
  // checked) with this type and disposition; for redirect_downloads.
  Result<std::string> DownloadUrl(const MediaFile& file, const std::string& content_type,
                                  const std::string& content_disposition);
  // The media's descriptor if `user_id` may fetch it; kNotFound otherwise.
  Result<store::Media> Info(int64_t user_id, std::string_view media_id);

  // Removes uploads expired at `now`, media never attached that are older than the grace
  // period, and the blobs only they used; then strays older than the grace period: blobs no
  // media names and temporary files of no open upload (a crash between writing a file and
  // committing its row leaves those).
  Result<CleanupCounts> CleanUp(int64_t now);

  // Runs `erase` as one writer task and then removes the blobs it returns as unused, holding
  // the blob lock across both so no new media starts using one of them meanwhile (deleting an
  // account: store.h WriteTxn::EraseAccount). `erase` is a writer task: it must Forget/Clear
  // what it changes in the cache. Returns erase's status or the commit's error.
  using BlobFreeingTask =
      std::function<Result<std::vector<std::string>>(store::WriteTxn&, ConversationCache&)>;
  Status RunFreeingBlobs(const BlobFreeingTask& erase);

 private:
  std::string TempPath(std::string_view upload_id, std::string_view suffix = "") const;
  Result<store::Upload> FindOwn(int64_t owner_id, std::string_view upload_id);
  // Kind-specific checks and processing; fills everything but the ids, owner and digests.
  Result<store::Media> Process(const store::Upload& upload, const std::string& input,
                               const std::string& output, const std::string& thumbnail);
  // Moves the processed files into the blob store and inserts the media, removing the upload,
  // in one writer task.
  Result<store::Media> Commit(const store::Upload& upload, store::Media media,
                              const std::string& output, const std::string& thumbnail);
  // Removes the upload's row and files (errors ignored: cleanup finds what stays).
  void Discard(std::string_view upload_id);
  void RemoveTempFiles(std::string_view upload_id);
  Result<int64_t> RemoveExpiredUploads(int64_t now);
  Result<CleanupCounts> RemoveOrphanMedia(int64_t now);
  Result<int64_t> RemoveStrays(int64_t now);

  store::Store& store_;
  MessageWriter& writer_;
  media::BlobStore& blobs_;
  const MediaOptions options_;

  std::mutex busy_mu_;
  std::set<std::string, std::less<>> busy_;  // upload ids being worked on; guarded by busy_mu_
  // Held from putting blobs until their media row commits, and from removing a media row until
  // its unused blobs are gone, so a blob is never removed while a new row starts using it.
  std::mutex blobs_mu_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MEDIA_MEDIA_SERVICE_H_
