// The BlobStore of blobs kept in an S3-compatible bucket (s3_client.h), under the same
// content-addressed names as the local directory: key "blobs/ab/abcdef..." for digest abcdef...
//
// Put uploads the file (one PUT up to options.part_bytes, a multipart upload of parts of that
// size above it; each part sent with Content-MD5 and x-amz-content-sha256, which the store
// checks, and its returned ETag checked against the part's MD5 here), then removes the file. A
// blob already in the bucket with the same size is not sent again. PathOf downloads the blob
// into options.cache_dir (verifying that its bytes hash to the digest), trims the cache to
// options.cache_bytes (oldest first; copies used in the last minute stay), and returns the copy.
// DownloadUrl presigns a GET valid options.url_expiry_s seconds. Errors are those of
// s3_client.h, except that refused credentials or access after the start are kUnavailable.
//
// Thread-safety: thread-safe. Every method blocks on the network.
#ifndef PARLEY_MEDIA_S3_BLOB_STORE_H_
#define PARLEY_MEDIA_S3_BLOB_STORE_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "media/blob_store.h"
#include "media/s3_client.h"

namespace parley::media {

// Checks that the bucket answers (an empty listing) before returning the store, so a server
// that cannot reach its bucket refuses to start with the reason: unreachable, credentials
// refused, access denied, bucket missing (s3_client.h).
Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(const S3Options& options);

// The object key of a blob.
std::string S3KeyOf(const std::string& digest);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_S3_BLOB_STORE_H_
