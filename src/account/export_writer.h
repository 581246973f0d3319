// ExportWriter: writes one user's data export, a zip of JSON and files (docs/protocol.md,
// "Downloading my data", lists its layout).
//
// Contract
// - Write reads through the store and chat::Service::History, so the messages are exactly those
//   the user may read (their join point in groups on; tombstones stay tombstones), and copies
//   only media the user owns (of their messages, moments and avatar).
// - Memory stays bounded whatever the amount of data: each JSON part is written to a staging
//   directory page by page, media are hard-linked (or copied) there, and libzip streams every
//   part from disk into the zip at the end. The staging directory is removed on every path.
// - kTooLarge when the parts exceed `max_bytes` (checked as they are written, before zipping);
//   kInternal for file or zip errors. A failed Write leaves no zip behind.
// - `progress(done, total)` is called from the writing thread as items finish; `total` may
//   grow once the media to copy are known.
// - Blocking (store reads and file I/O): call from a worker thread. Not thread-safe itself.
#ifndef PARLEY_ACCOUNT_EXPORT_WRITER_H_
#define PARLEY_ACCOUNT_EXPORT_WRITER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "chat/service.h"
#include "media/blob_store.h"
#include "store/store.h"

namespace parley::account {

struct ExportTarget {
  int64_t user_id = 0;
  std::string staging_dir;  // created and removed by Write
  std::string zip_path;     // written by Write; absent if it fails
  int64_t max_bytes = 0;    // of all parts together, before compression
  int64_t now = 0;          // the export's time, in the manifest
};

using ExportProgress = std::function<void(int64_t done, int64_t total)>;

// Returns the zip's size in bytes.
Result<int64_t> WriteExport(store::Store& store, chat::Service& chat, media::BlobStore& blobs,
                            const ExportTarget& target, const ExportProgress& progress);

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_EXPORT_WRITER_H_
