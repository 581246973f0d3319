#include "media/s3_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>

namespace parley::media {
namespace {

constexpr long kStallBytesPerSecond = 1024;

struct Transfer {
  const S3Request* request;
  S3Reply* reply;
  int64_t written = 0;
  bool overflow = false;
  bool write_failed = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (transfer->request->to_fd < 0) {
    if (transfer->reply->body.size() + n > S3Client::kMaxBody) {
      transfer->overflow = true;
      return 0;
    }
    transfer->reply->body.append(data, n);
    return n;
  }
  if (transfer->written + static_cast<int64_t>(n) > transfer->request->max_to_fd) {
    transfer->overflow = true;
    return 0;
  }
  for (size_t done = 0; done < n;) {
    const ssize_t w = write(transfer->request->to_fd, data + done, n - done);
    if (w < 0) {
      transfer->write_failed = true;
      return 0;
    }
    done += static_cast<size_t>(w);
  }
  transfer->written += static_cast<int64_t>(n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* reply = static_cast<S3Reply*>(user);
  const std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    reply->headers[name] = std::string(value);
  }
  return size * count;
}

// The Status of an error answer, from S3's <Error><Code> (absent for HEAD requests).
Status ErrorOf(const S3Reply& reply, const std::string& what) {
  const std::string code = XmlText(reply.body, "Code");
  const std::string detail = code.empty() ? "HTTP " + std::to_string(reply.status) : code;
  if (code == "NoSuchBucket")
    return Status(Code::kNotFound, what + ": bucket missing (" + detail + ")");
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "AuthorizationHeaderMalformed" || code == "ExpiredToken") {
    return Status(Code::kUnauthenticated, what + ": credentials refused (" + detail + ")");
  }
  if (code == "AccessDenied" || reply.status == 403) {
    return Status(Code::kForbidden, what + ": access denied (" + detail + ")");
  }
  if (code == "NoSuchKey" || reply.status == 404) {
    return Status(Code::kNotFound, what + ": no such object (" + detail + ")");
  }
  return Status(Code::kInternal, what + ": the store answered " + detail);
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The endpoint without a trailing '/'.
std::string_view TrimmedEndpoint(const S3Options& options) {
  std::string_view endpoint = options.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  return endpoint;
}

}  // namespace

S3Client::S3Client(S3Options options) : options_(std::move(options)) {
  static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)initialised;
  options_.endpoint = std::string(TrimmedEndpoint(options_));
}

std::string BucketHost(const S3Options& options) {
  const std::string_view endpoint = TrimmedEndpoint(options);
  const size_t end = endpoint.find("://");
  const std::string host(end == std::string::npos ? endpoint : endpoint.substr(end + 3));
  return options.path_style ? host : options.bucket + "." + host;
}

std::string BucketOrigin(const S3Options& options) {
  const std::string_view endpoint = TrimmedEndpoint(options);
  const size_t end = endpoint.find("://");
  const std::string scheme(end == std::string::npos ? "https" : endpoint.substr(0, end));
  return scheme + "://" + BucketHost(options);
}

std::string S3Client::PathOf(const std::string& key) const {
  return options_.path_style ? "/" + options_.bucket + "/" + key : "/" + key;
}

Result<S3Reply> S3Client::Send(const S3Request& request) const {
  const std::string amz_date = AmzDate(std::time(nullptr));
  SignedRequest signed_request{request.method, PathOf(request.key), request.query, {}, ""};
  signed_request.payload_hash = Sha256Hex(request.body);
  signed_request.headers = {{"host", BucketHost(options_)},
                            {"x-amz-date", amz_date},
                            {"x-amz-content-sha256", signed_request.payload_hash}};
  for (const auto& header : request.headers) signed_request.headers.push_back(header);

  std::string url = BucketOrigin(options_) + UriEncode(signed_request.path, true);
  for (size_t i = 0; i < request.query.size(); ++i) {
    url += (i == 0 ? "?" : "&") + UriEncode(request.query[i].first, false) + "=" +
           UriEncode(request.query[i].second, false);
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add = [&headers](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add("Authorization: " + AuthorizationHeader(options_.credentials, signed_request, amz_date));
  for (const auto& [name, value] : signed_request.headers) {
    if (name != "host") add(name + ": " + value);
  }
  add("Expect:");  // no 100-continue round trip
  bool typed = false;
  for (const auto& header : request.headers) typed |= header.first == "content-type";
  if (!typed) add("Content-Type:");

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status(Code::kInternal, "S3: curl_easy_init failed");
  S3Reply reply;
  Transfer transfer{&request, &reply};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, kStallBytesPerSecond);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>((options_.stall_timeout_ms + 999) / 1000)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  const std::string what = "S3 " + request.method + " " + options_.bucket + "/" + request.key;
  const CURLcode code = curl_easy_perform(c);
  if (transfer.overflow)
    return Status(Code::kInternal, what + ": the answer is larger than expected");
  if (transfer.write_failed) return Status(Code::kInternal, what + ": cannot write the local copy");
  if (code != CURLE_OK) {
    return Status(Code::kUnavailable, what + ": " + options_.endpoint + " unreachable (" +
                                          curl_easy_strerror(code) + ")");
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  if (reply.status < 200 || reply.status >= 300) {
    if (request.to_fd >= 0) reply.body.clear();  // the error document went to the file
    return ErrorOf(reply, what);
  }
  return reply;
}

std::string S3Client::PresignedUrl(const std::string& key,
                                   std::vector<std::pair<std::string, std::string>> query,
                                   int64_t now_s) const {
  SignedRequest request{"GET", PathOf(key), std::move(query), {{"host", BucketHost(options_)}}, ""};
  return BucketOrigin(options_) + UriEncode(request.path, true) + "?" +
         PresignedQuery(options_.credentials, request, AmzDate(now_s), options_.url_expiry_s);
}

std::string XmlText(std::string_view xml, std::string_view tag) {
  const std::vector<std::string_view> found = XmlElements(xml, tag);
  return found.empty() ? "" : std::string(found.front());
}

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  std::vector<std::string_view> out;
  for (size_t at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
    const size_t start = at + open.size();
    const size_t end = xml.find(close, start);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(start, end - start));
    at = end + close.size();
  }
  return out;
}

}  // namespace parley::media
