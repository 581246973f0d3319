// Online backup of a live SQLite database, and what the media of a backed-up database are.
//
// CopyDatabaseOnline copies the database at `source` (WAL mode, possibly being written by a
// running parleyd) into a new file `target` with SQLite's online backup API, from a connection
// of its own: one read transaction, so the copy is one consistent snapshot (every transaction
// committed before the copy began, none after) and writers are never blocked (WAL: readers
// and the writer do not lock each other out). The copy is checked with PRAGMA quick_check and
// fsynced. `target` must not exist. Thread-safe (each call uses its own connections).
//
// ReferencedBlobDigests lists the blob digests (media bytes and thumbnails) the database at
// `path` names, opened read-only.
#ifndef PARLEY_STORE_SQLITE_ONLINE_BACKUP_H_
#define PARLEY_STORE_SQLITE_ONLINE_BACKUP_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace parley::store::sqlite {

Status CopyDatabaseOnline(const std::string& source, const std::string& target);

Result<std::vector<std::string>> ReferencedBlobDigests(const std::string& path);

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_ONLINE_BACKUP_H_
