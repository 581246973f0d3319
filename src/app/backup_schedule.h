// BackupSchedule: the backups parleyd takes by itself (config keys backup-dir,
// backup-interval-s, backup-keep; docs/operations.md, "Scheduled backups").
//
// Every `interval` (the first one interval after start) a thread of its own takes a backup
// (app/backup.h) into <dir>/parley-backup-<UTC time, YYYYmmddTHHMMSS.mmmZ>, then removes the oldest
// complete backups of that form beyond `keep`, and any of that form without a manifest (left by
// a failed or interrupted pass). Other entries of <dir> are never touched. Outcomes are logged
// (backup_done, backup_failed). Stop() (and the destructor) waits for a pass in progress.
#ifndef PARLEY_APP_BACKUP_SCHEDULE_H_
#define PARLEY_APP_BACKUP_SCHEDULE_H_

#include <chrono>
#include <string>

#include "app/backup.h"
#include "base/periodic.h"
#include "media/blob_store.h"

namespace parley::app {

struct BackupScheduleOptions {
  std::string dir;                         // empty: no scheduled backups
  int64_t interval_ms = 24 * 3600 * 1000;  // between two backups
  int keep = 7;                            // complete backups kept, newest first
};

class BackupSchedule {
 public:
  // `blobs` must outlive this object.
  BackupSchedule(BackupScheduleOptions options, DataPaths paths, media::BlobStore& blobs);
  void Stop() { periodic_.Stop(); }

  // One pass now (what the thread runs); public for tests.
  void RunOnce();

 private:
  void RemoveOld();

  const BackupScheduleOptions options_;
  const DataPaths paths_;
  media::BlobStore& blobs_;
  Periodic periodic_;  // last: its thread starts once the members above are set
};

}  // namespace parley::app

#endif  // PARLEY_APP_BACKUP_SCHEDULE_H_
