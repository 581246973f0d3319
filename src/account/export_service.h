// ExportService: "download my data" (docs/protocol.md, "Downloading my data"). A user starts an
// export; one background thread writes it (account/export_writer.h) while the user polls its
// progress; when ready, the user alone downloads it until it expires.
//
// Contract
// - At most one export per user: Start while the user's export waits, runs, or is ready and
//   not yet expired is kConflict (a ready one bounds the disk and work one user can take).
//   At most `max_queued` exports wait at once (kUnavailable beyond): exports run one after the
//   other on the service's own thread, never on the message writer or the request workers.
// - Status is the caller's own export only; Download answers kNotFound for any id that is not
//   the caller's ready, unexpired export (so nobody learns of another's).
// - A ready export is kept `keep_ms` (its download link works that long), then its file is
//   deleted; a failed one keeps its error for the same time. State lives in memory: files a
//   previous run left in `dir` are deleted at start.
// - Start after an export failed, or once a ready one expired, makes a new one.
// - Thread-safe; Start, Status and Download do not block on the export's work.
// - Ownership: borrows the store, chat service and blob store; all must outlive it. Stop (or
//   the destructor) ends the thread, abandoning an export in progress.
#ifndef PARLEY_ACCOUNT_EXPORT_SERVICE_H_
#define PARLEY_ACCOUNT_EXPORT_SERVICE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "chat/service.h"
#include "media/blob_store.h"
#include "store/store.h"

namespace parley::account {

struct ExportOptions {
  std::string dir;                       // where zips are written; "" disables exports
  int64_t max_bytes = 4LL << 30;         // 4 GiB of data per export at most
  int64_t keep_ms = 24LL * 3600 * 1000;  // a ready export is kept a day
  size_t max_queued = 16;                // exports waiting to run at most
};

enum class ExportState { kQueued, kRunning, kReady, kFailed };
std::string_view ExportStateName(ExportState state);

struct ExportStatus {
  std::string id;  // 32 random hex digits; names the download
  ExportState state = ExportState::kQueued;
  int64_t items_done = 0;
  int64_t items_total = 0;
  int64_t started_at = 0;
  int64_t size = 0;        // kReady: the zip's bytes
  int64_t expires_at = 0;  // kReady, kFailed: when it is deleted (the link stops working)
  Status error;            // kFailed: why (kTooLarge past max_bytes)
};

// A ready export to send: its file and size.
struct ExportFile {
  std::string path;
  int64_t size = 0;
};

class ExportService {
 public:
  ExportService(store::Store& store, chat::Service& chat, media::BlobStore& blobs,
                ExportOptions options);
  ~ExportService();
  ExportService(const ExportService&) = delete;
  ExportService& operator=(const ExportService&) = delete;

  Result<ExportStatus> Start(int64_t user_id, int64_t now);
  // kNotFound when the user has no export.
  Result<ExportStatus> StatusOf(int64_t user_id, int64_t now);
  Result<ExportFile> Download(int64_t user_id, std::string_view export_id, int64_t now);
  // Forgets the user's export and deletes its file (account deletion).
  void Forget(int64_t user_id);
  void Stop();

 private:
  void Run();
  // Drops expired exports and their files. Requires mu_.
  void ExpireLocked(int64_t now);
  std::string ZipPath(const std::string& id) const;

  store::Store& store_;
  chat::Service& chat_;
  media::BlobStore& blobs_;
  const ExportOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::map<int64_t, ExportStatus> exports_;  // GUARDED_BY(mu_); by user id
  std::deque<int64_t> queue_;                // GUARDED_BY(mu_); user ids waiting
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_EXPORT_SERVICE_H_
