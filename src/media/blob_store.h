// BlobStore: where media bytes live, content-addressed: a blob's name is the SHA-256 of its bytes
// (lowercase hex), so the same bytes are stored once however often they are uploaded. The local
// directory implementation is the default; s3_blob_store.h keeps blobs in an S3 bucket.
//
// Contract
// - Put moves a finished file into the store and returns its digest; if a blob with that digest
//   exists already the file is simply removed. The blob is durable (fsynced) when Put returns.
// - Blobs are immutable. Remove of a missing blob is OK.
// - Thread-safe.
#ifndef PARLEY_MEDIA_BLOB_STORE_H_
#define PARLEY_MEDIA_BLOB_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace parley::media {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Takes ownership of the file at `path` (on the same filesystem as the store's directory).
  virtual Result<std::string> Put(const std::string& path) = 0;
  // A local path to read the blob from; kNotFound if there is no such blob. (An object store
  // copies the blob into a bounded local cache first.)
  virtual Result<std::string> PathOf(const std::string& digest) = 0;
  virtual Result<int64_t> SizeOf(const std::string& digest) = 0;
  virtual Status Remove(const std::string& digest) = 0;
  // The digests of blobs last written before `unix_ms`, to find blobs no record names (left by
  // a crash between Put and the commit of the row naming the blob).
  virtual Result<std::vector<std::string>> ListOlderThan(int64_t unix_ms) = 0;
  // A short-lived URL a browser fetches the blob from directly, served with this type and
  // Content-Disposition; only object stores have them (kUnavailable for the local directory).
  virtual Result<std::string> DownloadUrl(const std::string& digest,
                                          const std::string& content_type,
                                          const std::string& content_disposition) = 0;
};

// Only 64 lowercase hex digits name a blob, so a digest can never be a path or key trick.
bool IsDigest(const std::string& digest);

// Blobs under `directory`/blobs/ab/abcdef... ; `directory`/tmp/ is for files being written
// (uploads in progress), on the same filesystem so Put is a rename.
Result<std::unique_ptr<BlobStore>> OpenLocalBlobStore(const std::string& directory);

// The SHA-256 of a file's bytes, lowercase hex.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_BLOB_STORE_H_
