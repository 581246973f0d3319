#include "store/sqlite/online_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "store/sqlite/sqlite_db.h"

namespace parley::store::sqlite {
namespace {

Status Fsync(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(Code::kInternal, "cannot open " + path + " to sync it");
  const bool synced = fsync(fd) == 0;
  close(fd);
  return synced ? Status::Ok() : Status(Code::kInternal, "cannot sync " + path);
}

Status CopyPages(SqliteDb& source, SqliteDb& target) {
  sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
  if (backup == nullptr) {
    return Status(Code::kInternal,
                  std::string("sqlite backup: ") + sqlite3_errmsg(target.handle()));
  }
  // All pages in one step: one read transaction on the source, hence one snapshot. Stepping in
  // slices would restart the copy each time the live writer commits.
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return Status(Code::kInternal, std::string("sqlite backup: ") + sqlite3_errstr(rc));
  }
  return Status::Ok();
}

Status QuickCheck(Db& db) {
  auto check = db.Prepare("PRAGMA quick_check");
  if (!check.ok()) return check.status();
  auto row = check->Step();
  if (!row.ok()) return row.status();
  if (!*row || check->ColumnText(0) != "ok") return Status(Code::kInternal, "fails quick_check");
  return Status::Ok();
}

}  // namespace

Status CopyDatabaseOnline(const std::string& source_path, const std::string& target_path) {
  std::error_code error;
  if (std::filesystem::exists(target_path, error)) {
    return Status(Code::kConflict, target_path + " exists already");
  }
  DbOptions reader;  // query_only: the backup never writes to the live database
  auto source = SqliteDb::Open(source_path, reader);
  if (!source.ok()) return source.status();
  DbOptions writer;
  writer.create = true;
  auto target = SqliteDb::Open(target_path, writer);
  if (!target.ok()) return target.status();
  if (Status copied = CopyPages(**source, **target); !copied.ok()) return copied;
  if (Status checked = QuickCheck(**target); !checked.ok()) {
    return Status(Code::kInternal, "the copy of " + source_path + " " + checked.message());
  }
  // Fold the copy's WAL into the file, so the backup is that one file.
  if (Status s = (*target)->Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s.ok()) return s;
  target->reset();
  std::filesystem::remove(target_path + "-wal", error);
  std::filesystem::remove(target_path + "-shm", error);
  return Fsync(target_path);
}

Result<std::vector<std::string>> ReferencedBlobDigests(const std::string& path) {
  auto db = SqliteDb::Open(path, DbOptions());
  if (!db.ok()) return db.status();
  auto select = (*db)->Prepare(
      "SELECT digest FROM media UNION "
      "SELECT thumbnail_digest FROM media WHERE thumbnail_digest != ''");
  if (!select.ok()) return select.status();
  std::vector<std::string> digests;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    digests.push_back(select->ColumnText(0));
  }
  return digests;
}

}  // namespace parley::store::sqlite
