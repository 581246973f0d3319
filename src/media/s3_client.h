// S3Client: signed requests to one bucket of an S3-compatible object store over libcurl
// (path-style "endpoint/bucket/key" or virtual-hosted "bucket.host/key" addressing), with
// every failure turned into a Status that says what went wrong:
//   kUnavailable      the endpoint cannot be reached, or stalled past the timeouts (curl's reason)
//   kUnauthenticated  the store refused the credentials (InvalidAccessKeyId, SignatureDoesNotMatch)
//   kForbidden        AccessDenied
//   kNotFound         NoSuchBucket ("bucket missing") or NoSuchKey / 404
//   kInternal         any other error status, or an answer that is not what S3 sends
// Bounds: connecting takes at most connect_timeout_ms; a transfer that moves fewer than 1 KiB/s
// for stall_timeout_ms is cut; an answer's body kept in memory is capped (kMaxBody), and one
// written to a file is at most the size the caller expects.
//
// Thread-safety: Send may be called from many threads at once (one curl handle per call).
#ifndef PARLEY_MEDIA_S3_CLIENT_H_
#define PARLEY_MEDIA_S3_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "media/sigv4.h"

namespace parley::media {

struct S3Options {
  std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:4568"
  std::string bucket;
  S3Credentials credentials;
  bool path_style = true;  // endpoint/bucket/key; false: bucket.endpoint-host/key
  std::string ca_file;     // extra trusted CA bundle; empty: the system's
  int connect_timeout_ms = 5000;
  int stall_timeout_ms = 30000;
  int64_t part_bytes = 16LL << 20;  // blobs larger than this are uploaded in parts of this size
  int url_expiry_s = 300;           // presigned download URLs
  std::string cache_dir;            // local copies of blobs served by proxy
  int64_t cache_bytes = 1LL << 30;  // the cache is trimmed to this after each fill
  int64_t cache_fresh_ms = 60'000;  // ... but copies used this recently are kept (a download
                                    // may be about to open them)
};

struct S3Request {
  std::string method = "GET";
  std::string key;  // "" for the bucket itself
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // besides host and x-amz-*
  std::string body;
  int to_fd = -1;         // when >= 0 the answer's body is written here
  int64_t max_to_fd = 0;  // ... at most this many bytes (more is kInternal)
};

struct S3Reply {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;                            // unless written to to_fd
};

class S3Client {
 public:
  static constexpr size_t kMaxBody = 4 << 20;

  explicit S3Client(S3Options options);
  const S3Options& options() const { return options_; }

  // Sends the request and maps any status but 2xx to a Status (see the top of this file).
  Result<S3Reply> Send(const S3Request& request) const;
  // A presigned GET URL of `key` with the response-* overrides in `query`.
  std::string PresignedUrl(const std::string& key,
                           std::vector<std::pair<std::string, std::string>> query,
                           int64_t now_s) const;

 private:
  std::string PathOf(const std::string& key) const;  // unencoded

  S3Options options_;
};

// The bucket's host as requests name it (the Host header): the endpoint's host, prefixed with
// "bucket." when not path_style; and its origin, "scheme://host" (browsers fetch presigned
// URLs from there).
std::string BucketHost(const S3Options& options);
std::string BucketOrigin(const S3Options& options);

// The text of the first <tag>...</tag> in `xml` ("" when absent), and every one of them.
std::string XmlText(std::string_view xml, std::string_view tag);
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_S3_CLIENT_H_
