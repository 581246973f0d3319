#include "app/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "app/backup_manifest.h"
#include "store/sqlite/online_backup.h"

namespace parley::app {
namespace {

namespace fs = std::filesystem;

Status Failed(const std::string& what, const std::error_code& error) {
  return Status(Code::kInternal, what + ": " + error.message());
}

Status Fsync(const std::string& path, bool directory) {
  const int fd = open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Status(Code::kInternal, "cannot open " + path + " to sync it");
  const bool synced = fsync(fd) == 0;
  close(fd);
  return synced ? Status::Ok() : Status(Code::kInternal, "cannot sync " + path);
}

// True when `dir` does not exist or is an empty directory.
Result<bool> IsAbsentOrEmpty(const std::string& dir) {
  std::error_code error;
  if (!fs::exists(dir, error)) return !error ? Result<bool>(true) : Failed(dir, error);
  if (!fs::is_directory(dir, error)) return false;
  const bool empty = fs::is_empty(dir, error);
  if (error) return Failed(dir, error);
  return empty;
}

// Removes everything inside `dir` (best effort: it runs on a failure path already reported).
void RemoveContents(const std::string& dir) {
  std::error_code error;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    entries.push_back(it->path());
  }
  for (const fs::path& entry : entries) fs::remove_all(entry, error);
}

Status MakeEmptyDirectory(const std::string& dir, const char* role) {
  Result<bool> empty = IsAbsentOrEmpty(dir);
  if (!empty.ok()) return empty.status();
  if (!*empty) return Status(Code::kConflict, std::string(role) + " " + dir + " is not empty");
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Failed("cannot create " + dir, error);
  // Token hashes, password hashes, the Web Push key: for the owner's eyes only.
  fs::permissions(dir, fs::perms::owner_all, error);
  if (error) return Failed("cannot restrict " + dir, error);
  return Status::Ok();
}

// Makes `path` readable and writable by its owner only (0600).
Status OwnerOnly(const std::string& path) {
  std::error_code error;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, error);
  if (error) return Failed("cannot restrict " + path, error);
  return Status::Ok();
}

// The manifest's description of the file at `path`: its size and SHA-256 (the path is the
// caller's to fill).
Result<ManifestEntry> Describe(const std::string& path) {
  std::error_code error;
  ManifestEntry entry;
  entry.size = static_cast<int64_t>(fs::file_size(path, error));
  if (error) return Failed(path, error);
  Result<std::string> sha256 = media::Sha256OfFile(path);
  if (!sha256.ok()) return sha256.status();
  entry.sha256 = std::move(*sha256);
  return entry;
}

// Copies `source` to the new file `target` (mode 0600), fsynced; its size and SHA-256.
Result<ManifestEntry> CopyFile(const std::string& source, const std::string& target) {
  std::error_code error;
  fs::copy_file(source, target, fs::copy_options::none, error);
  if (error) return Failed("cannot copy " + source, error);
  if (Status restricted = OwnerOnly(target); !restricted.ok()) return restricted;
  if (Status synced = Fsync(target, false); !synced.ok()) return synced;
  return Describe(target);
}

Result<ManifestEntry> SnapshotDatabase(const std::string& source, const std::string& target) {
  if (Status copied = store::sqlite::CopyDatabaseOnline(source, target); !copied.ok()) {
    return copied;
  }
  if (Status restricted = OwnerOnly(target); !restricted.ok()) return restricted;
  return Describe(target);
}

Status WriteManifest(const std::string& dir, const std::vector<ManifestEntry>& entries) {
  const std::string temporary = dir + "/" + kManifestName + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << FormatManifest(entries);
    if (!out.flush()) return Status(Code::kInternal, "cannot write " + temporary);
  }
  if (Status synced = Fsync(temporary, false); !synced.ok()) return synced;
  std::error_code error;
  fs::rename(temporary, dir + "/" + kManifestName, error);
  if (error) return Failed("cannot rename " + temporary, error);
  return Fsync(dir, true);
}

Result<std::string> ReadManifest(const std::string& dir) {
  const std::string path = dir + "/" + kManifestName;
  std::error_code error;
  const uintmax_t size = fs::file_size(path, error);
  if (error) return Status(Code::kNotFound, "no manifest in " + dir + " (not a complete backup)");
  if (size > kMaxManifestBytes) return Status(Code::kInvalidArgument, path + " is too large");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Status(Code::kInternal, "cannot read " + path);
  return text.str();
}

Status Verify(const std::string& dir, const ManifestEntry& entry) {
  const std::string path = dir + "/" + entry.path;
  std::error_code error;
  const uintmax_t size = fs::file_size(path, error);
  if (error) return Status(Code::kNotFound, "backup file " + entry.path + " is missing");
  if (static_cast<int64_t>(size) != entry.size) {
    return Status(Code::kInvalidArgument, "backup file " + entry.path + " has the wrong size");
  }
  Result<std::string> sha256 = media::Sha256OfFile(path);
  if (!sha256.ok()) return sha256.status();
  if (*sha256 != entry.sha256) {
    return Status(Code::kInvalidArgument, "backup file " + entry.path + " fails its checksum");
  }
  return Status::Ok();
}

// Copies one verified blob into the store: to its tmp/ first, then Put (a rename).
Status RestoreBlob(const std::string& from, const std::string& digest, const DataPaths& paths,
                   media::BlobStore& blobs) {
  const std::string staged = paths.media_dir + "/tmp/restore-" + digest;
  Result<ManifestEntry> copied = CopyFile(from + "/" + BlobEntryPath(digest), staged);
  if (!copied.ok()) return copied.status();
  if (copied->sha256 != digest) return Status(Code::kInternal, "blob " + digest + " changed");
  Result<std::string> stored = blobs.Put(staged);
  return stored.ok() ? Status::Ok() : stored.status();
}

// TakeBackup once `to` is known to be new or empty.
Result<BackupSummary> CopyIntoBackup(const DataPaths& paths, media::BlobStore& blobs,
                                     const std::string& to) {
  if (Status made = MakeEmptyDirectory(to, "backup directory"); !made.ok()) return made;
  if (Status made = MakeEmptyDirectory(to + "/media", "media directory"); !made.ok()) return made;
  std::vector<ManifestEntry> entries;
  BackupSummary summary;
  for (const char* name : {"parley.db", "push.db"}) {
    const std::string source = paths.data_dir + "/" + name;
    if (std::string(name) == "push.db" && !fs::exists(source)) continue;
    Result<ManifestEntry> entry = SnapshotDatabase(source, to + "/" + name);
    if (!entry.ok()) return entry.status();
    entry->path = name;
    entries.push_back(std::move(*entry));
  }
  if (const std::string key = paths.data_dir + "/vapid_private.pem"; fs::exists(key)) {
    Result<ManifestEntry> entry = CopyFile(key, to + "/vapid_private.pem");
    if (!entry.ok()) return entry.status();
    entry->path = "vapid_private.pem";
    entries.push_back(std::move(*entry));
  }
  Result<std::vector<std::string>> digests =
      paths.media_in_object_store ? std::vector<std::string>()
                                  : store::sqlite::ReferencedBlobDigests(to + "/parley.db");
  if (!digests.ok()) return digests.status();
  for (const std::string& digest : *digests) {
    Result<std::string> source = blobs.PathOf(digest);
    if (!source.ok()) {
      ++summary.missing_blobs;  // removed since the snapshot
      continue;
    }
    Result<ManifestEntry> entry = CopyFile(*source, to + "/" + BlobEntryPath(digest));
    if (!entry.ok()) return entry.status();
    if (entry->sha256 != digest) {
      return Status(Code::kInternal, "blob " + digest + " does not match its digest");
    }
    entry->path = BlobEntryPath(digest);
    entries.push_back(std::move(*entry));
  }
  if (Status synced = Fsync(to + "/media", true); !synced.ok()) return synced;
  if (Status written = WriteManifest(to, entries); !written.ok()) return written;
  for (const ManifestEntry& entry : entries) summary.bytes += entry.size;
  summary.files = static_cast<int64_t>(entries.size());
  return summary;
}

// RestoreBackup once the data and media dirs are known to be absent or empty.
Result<BackupSummary> CopyFromBackup(const std::string& from, const DataPaths& paths) {
  Result<std::string> text = ReadManifest(from);
  if (!text.ok()) return text.status();
  Result<std::vector<ManifestEntry>> entries = ParseManifest(*text);
  if (!entries.ok()) return entries.status();
  BackupSummary summary;
  for (const ManifestEntry& entry : *entries) {
    if (Status verified = Verify(from, entry); !verified.ok()) return verified;
    summary.bytes += entry.size;
  }
  if (Status made = MakeEmptyDirectory(paths.data_dir, "data dir"); !made.ok()) return made;
  auto blobs = media::OpenLocalBlobStore(paths.media_dir);
  if (!blobs.ok()) return blobs.status();
  for (const ManifestEntry& entry : *entries) {
    if (const std::string digest = DigestOfBlobEntry(entry.path); !digest.empty()) {
      if (Status s = RestoreBlob(from, digest, paths, **blobs); !s.ok()) return s;
      continue;
    }
    Result<ManifestEntry> copied =
        CopyFile(from + "/" + entry.path, paths.data_dir + "/" + entry.path);
    if (!copied.ok()) return copied.status();
    if (copied->sha256 != entry.sha256) {
      return Status(Code::kInternal, entry.path + " changed while it was restored");
    }
  }
  if (Status synced = Fsync(paths.data_dir, true); !synced.ok()) return synced;
  summary.files = static_cast<int64_t>(entries->size());
  return summary;
}

}  // namespace

Result<BackupSummary> TakeBackup(const DataPaths& paths, media::BlobStore& blobs,
                                 const std::string& to) {
  Result<bool> empty = IsAbsentOrEmpty(to);
  if (!empty.ok()) return empty.status();
  if (!*empty) return Status(Code::kConflict, "backup directory " + to + " is not empty");
  Result<BackupSummary> done = CopyIntoBackup(paths, blobs, to);
  if (!done.ok()) RemoveContents(to);  // no half-written backup left behind
  return done;
}

Result<BackupSummary> RestoreBackup(const std::string& from, const DataPaths& paths) {
  for (const std::string* dir : {&paths.data_dir, &paths.media_dir}) {
    Result<bool> empty = IsAbsentOrEmpty(*dir);
    if (!empty.ok()) return empty.status();
    if (!*empty) return Status(Code::kConflict, *dir + " is not empty: restore needs an empty one");
  }
  Result<BackupSummary> done = CopyFromBackup(from, paths);
  if (!done.ok()) {  // both were empty: nothing half-restored is left to start a server on
    RemoveContents(paths.media_dir);
    RemoveContents(paths.data_dir);
  }
  return done;
}

}  // namespace parley::app
