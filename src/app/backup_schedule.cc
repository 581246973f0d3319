#include "app/backup_schedule.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <vector>

#include "app/backup_manifest.h"
#include "base/clock.h"
#include "base/log.h"

namespace parley::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "parley-backup-";

std::string BackupName(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(kPrefix) + stamp + millis;
}

}  // namespace

BackupSchedule::BackupSchedule(BackupScheduleOptions options, DataPaths paths,
                               media::BlobStore& blobs)
    : options_(std::move(options)),
      paths_(std::move(paths)),
      blobs_(blobs),
      periodic_(std::chrono::milliseconds(options_.interval_ms), [this] { RunOnce(); }) {}

void BackupSchedule::RunOnce() {
  const std::string target = (fs::path(options_.dir) / BackupName(NowMillis())).string();
  const int64_t start = NowMillis();
  Result<BackupSummary> done = TakeBackup(paths_, blobs_, target);
  if (done.ok()) {
    Log(LogLevel::kInfo, "backup_done",
        {{"dir", target},
         {"files", std::to_string(done->files)},
         {"bytes", std::to_string(done->bytes)},
         {"missing_media", std::to_string(done->missing_blobs)},
         {"ms", std::to_string(NowMillis() - start)}});
  } else {
    Log(LogLevel::kError, "backup_failed", {{"dir", target}, {"reason", done.status().message()}});
  }
  RemoveOld();
}

void BackupSchedule::RemoveOld() {
  std::vector<fs::path> complete;
  std::vector<fs::path> incomplete;  // passes never overlap, so none is being written now
  std::error_code error;
  for (fs::directory_iterator it(options_.dir, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || !it->is_directory()) continue;
    if (fs::exists(it->path() / kManifestName)) {
      complete.push_back(it->path());
    } else {
      incomplete.push_back(it->path());
    }
  }
  const size_t keep = static_cast<size_t>(options_.keep);
  if (complete.size() > keep) {
    // The names sort by time; the newest `keep` stay.
    std::sort(complete.begin(), complete.end());
    incomplete.insert(incomplete.end(), complete.begin(), complete.end() - keep);
  }
  for (const fs::path& old : incomplete) {
    std::error_code removed;
    fs::remove_all(old, removed);
    if (removed) {
      Log(LogLevel::kWarning, "backup_remove_failed",
          {{"dir", old.string()}, {"reason", removed.message()}});
    }
  }
}

}  // namespace parley::app
