// StaticFiles: serves the built web app from one directory, for GET and HEAD.
//
// Contract
// - Paths come from ParseTarget's percent-decoded segments. A segment that is ".", "..", starts
//   with "." (hidden files), or holds '/', '\\' or NUL is refused (404), and the resolved file
//   must lie inside the root after symlinks are followed, so no request reads outside it.
// - An existing regular file is served with its Content-Type (by extension), an ETag and
//   Cache-Control: files under assets/ carry content hashes in their names (the web build makes
//   them), so they are "immutable" for a year; everything else is "no-cache" (revalidated, 304
//   when the ETag matches If-None-Match).
// - Every file gets the web app's security headers (SetSecurityHeaders with Policy::kWebApp: the
//   Content-Security-Policy, nosniff, no referrer, never framed; `media_origin`, when not empty,
//   is admitted by its connect-src: see WebAppPolicy); errors get the inert ones.
// - A path that names no file and whose last segment has no extension is a client-side route:
//   index.html answers it. Anything else is 404 not_found.
// - Files over 32 MiB are refused (500 internal: the build is wrong, not the request).
// Blocking (reads files): call on a worker thread. Thread-safe: no mutable state.
#ifndef PARLEY_NET_STATIC_FILES_H_
#define PARLEY_NET_STATIC_FILES_H_

#include <filesystem>
#include <string>
#include <vector>

#include "net/http_util.h"

namespace parley::net {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root, std::string media_origin = {});

  Response Serve(const Request& request, const std::vector<std::string>& segments) const;

 private:
  Response ServeFile(const Request& request, const std::filesystem::path& file,
                     bool immutable) const;

  std::filesystem::path root_;  // canonical; empty when the directory does not exist
  std::string media_origin_;
};

}  // namespace parley::net

#endif  // PARLEY_NET_STATIC_FILES_H_
