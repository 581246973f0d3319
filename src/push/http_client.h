// HttpClient: the outbound HTTPS requests every push provider (POST) and OpenID Connect provider
// (GET and POST, oidc/) is reached with (libcurl, HTTP/2 when the server offers it). Push endpoints are URLs chosen by clients, so by default a connection
// to a private, loopback, link-local, multicast or unspecified address is refused at connect
// time, after DNS resolution (no rebinding trick gets past it), and only https is spoken;
// `allow_private` lifts both for tests and intranets. Redirects are never followed.
//
// Thread-safety: Post may be called from many threads at once; each thread keeps its own curl
// handle (and so its own connection cache) for reuse.
#ifndef PARLEY_PUSH_HTTP_CLIENT_H_
#define PARLEY_PUSH_HTTP_CLIENT_H_

#include <string>
#include <vector>

#include "base/status.h"

struct sockaddr;

namespace parley::push {

struct HttpClientOptions {
  bool allow_private = false;  // also allows plain http
  int connect_timeout_ms = 5000;
  int timeout_ms = 10000;  // the whole request; a slow endpoint holds one sender at most this long
  std::string ca_file;     // extra trusted CA bundle (tests); empty: the system's
  size_t max_reply_bytes = 4096;  // a longer reply body is cut here (see HttpReply::truncated)
};

struct HttpPost {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};

struct HttpReply {
  long status = 0;
  std::string body;         // at most the first max_reply_bytes
  bool truncated = false;   // the body was longer than max_reply_bytes
  std::string retry_after;  // the Retry-After header, if any
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  // A reply for any HTTP status; kUnavailable for transport failures (refused address, DNS,
  // TLS, timeout), with curl's reason.
  Result<HttpReply> Post(const HttpPost& request) const;
  // The same for a GET of `url` (no body) with `headers` ("Name: value").
  Result<HttpReply> Get(const std::string& url, const std::vector<std::string>& headers) const;

 private:
  // Post and Get: `request.body` is sent with POST when `post`.
  Result<HttpReply> Perform(const HttpPost& request, bool post) const;

  HttpClientOptions options_;
};

// Whether `address` is one a push endpoint may not reach by default.
bool IsPrivateAddress(const sockaddr* address);

}  // namespace parley::push

#endif  // PARLEY_PUSH_HTTP_CLIENT_H_
