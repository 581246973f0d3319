// AWS Signature Version 4 for S3 (docs.aws.amazon.com, "Signature Version 4 signing process"):
// the Authorization header of a request and the query string of a presigned URL. Pure functions
// over OpenSSL's SHA-256 and HMAC; no I/O. Thread-safe.
#ifndef PARLEY_MEDIA_SIGV4_H_
#define PARLEY_MEDIA_SIGV4_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::media {

struct S3Credentials {
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
};

// One request as it is signed. `path` is the URI path before encoding ("/bucket/blobs/ab/..");
// `query` the raw (unencoded) parameters; `headers` every signed header, `host` included, names
// in any case. `payload_hash` is the hex SHA-256 of the body or "UNSIGNED-PAYLOAD".
struct SignedRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;
};

// The value of the Authorization header; `amz_date` is the request's x-amz-date
// ("20130524T000000Z"), which must also be among the signed headers.
std::string AuthorizationHeader(const S3Credentials& credentials, const SignedRequest& request,
                                std::string_view amz_date);

// The encoded query string of a presigned GET URL valid for `expires_s` seconds from `amz_date`:
// request.query (e.g. response-content-type) plus the X-Amz-* parameters and the signature.
// Only the host header is signed (request.headers must hold exactly it).
std::string PresignedQuery(const S3Credentials& credentials, const SignedRequest& request,
                           std::string_view amz_date, int64_t expires_s);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept; '/' kept when
// `keep_slash` (paths), encoded otherwise (query values).
std::string UriEncode(std::string_view text, bool keep_slash);

// Hex SHA-256 and base64 MD5 of bytes (the x-amz-content-sha256 and Content-MD5 headers), and
// the hex MD5 S3 returns as a part's ETag.
std::string Sha256Hex(std::string_view bytes);
std::string Md5Base64(std::string_view bytes);
std::string Md5Hex(std::string_view bytes);

// "20130524T000000Z" of a Unix time in seconds.
std::string AmzDate(int64_t unix_s);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_SIGV4_H_
