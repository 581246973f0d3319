// Backup and restore of a Parley data directory (docs/operations.md, "Backups").
//
// TakeBackup copies, while the server runs, into the directory `to` (created; refused when it
// exists and is not empty):
//   parley.db          an online, consistent snapshot (store/sqlite/online_backup.h);
//   push.db            the same, taken right after (push targets and the outbox);
//   vapid_private.pem  the Web Push key, when the data dir holds it;
//   media/<sha256>     every blob (media bytes, thumbnails) the parley.db snapshot names,
//                      each checked against its digest after the copy;
//   MANIFEST           last, written to a temporary name and renamed (app/backup_manifest.h).
// Blobs are immutable, so a blob named by the snapshot is complete; one removed after the
// snapshot was taken (a deleted message's media, by the cleanup) is skipped and counted in
// `missing_blobs`. With paths.media_in_object_store no blob is copied (media/ stays empty).
//
// RestoreBackup refuses a data dir (or media dir) that exists and is not empty, reads the
// manifest, verifies every file's size and SHA-256 before it writes anything, then copies the
// files into the data dir and the blobs into the blob store (fsynced). Errors are Status values
// naming the file. Either does all or nothing: on a failure (a damaged source, a full disk)
// whatever it had written into `to`, or into the data and media dirs, is removed again.
//
// Both are synchronous and may take minutes on a large server; run them off the I/O threads.
#ifndef PARLEY_APP_BACKUP_H_
#define PARLEY_APP_BACKUP_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "media/blob_store.h"

namespace parley::app {

struct DataPaths {
  std::string data_dir;   // parley.db, push.db, vapid_private.pem
  std::string media_dir;  // the local blob store (blobs/ and tmp/)
  // Blobs live in an object store (media-store = s3): a backup holds the databases and the key,
  // not the media, which stay in the bucket (its own versioning/replication protects them).
  bool media_in_object_store = false;
};

struct BackupSummary {
  int64_t files = 0;          // entries in the manifest
  int64_t bytes = 0;          // their total size
  int64_t missing_blobs = 0;  // named by the database, gone from the store before the copy
};

Result<BackupSummary> TakeBackup(const DataPaths& paths, media::BlobStore& blobs,
                                 const std::string& to);
Result<BackupSummary> RestoreBackup(const std::string& from, const DataPaths& paths);

}  // namespace parley::app

#endif  // PARLEY_APP_BACKUP_H_
