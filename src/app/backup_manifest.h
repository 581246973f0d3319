// The manifest of a backup directory: which files it holds, with their sizes and SHA-256.
//
// Format (text, one entry a line, written last so a backup without it is incomplete):
//   parley-backup 1
//   <sha256, 64 lowercase hex> <size in bytes> <path>
//   ...
//   end <number of entries>
// A path is one of parley.db, push.db, vapid_private.pem, or media/<sha256> (a media blob,
// named by the digest of its bytes). ParseManifest refuses anything else (unknown paths, "..",
// duplicates, a missing or wrong end line, more than kMaxManifestEntries entries) with
// kInvalidArgument naming the line, so a damaged or hostile manifest never names a file outside
// the backup. Pure functions; thread-safe.
#ifndef PARLEY_APP_BACKUP_MANIFEST_H_
#define PARLEY_APP_BACKUP_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace parley::app {

inline constexpr char kManifestName[] = "MANIFEST";
inline constexpr size_t kMaxManifestEntries = 10'000'000;
inline constexpr size_t kMaxManifestBytes = kMaxManifestEntries * 160;

struct ManifestEntry {
  std::string path;
  int64_t size = 0;
  std::string sha256;
};

// The manifest path of a media blob, and the digest of such a path ("" when it is not one).
std::string BlobEntryPath(const std::string& digest);
std::string DigestOfBlobEntry(std::string_view path);

std::string FormatManifest(const std::vector<ManifestEntry>& entries);
Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text);

}  // namespace parley::app

#endif  // PARLEY_APP_BACKUP_MANIFEST_H_
