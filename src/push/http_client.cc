#include "push/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace parley::push {
namespace {

bool PrivateV4(uint32_t a) {  // host byte order
  const auto in = [a](uint32_t net, int bits) {
    return (a >> (32 - bits)) == (net >> (32 - bits));
  };
  return in(0x00000000, 8) || in(0x0a000000, 8) || in(0x64400000, 10) || in(0x7f000000, 8) ||
         in(0xa9fe0000, 16) || in(0xac100000, 12) || in(0xc0000000, 24) || in(0xc0a80000, 16) ||
         in(0xc6120000, 15) || a >= 0xe0000000;  // multicast, reserved, broadcast
}

struct Transfer {
  size_t max_body = 0;
  std::string body;
  bool truncated = false;
  std::string retry_after;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const size_t room = transfer->max_body - std::min(transfer->max_body, transfer->body.size());
  transfer->body.append(data, std::min(room, bytes));
  if (bytes > room) transfer->truncated = true;
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    line.remove_prefix(kName.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    transfer->retry_after = std::string(line.substr(0, 64));
  }
  return size * count;
}

curl_socket_t OpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  const bool allow_private = *static_cast<const bool*>(user);
  if (!allow_private && IsPrivateAddress(&address->addr)) return CURL_SOCKET_BAD;
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

CURL* ThreadHandle() {
  thread_local std::unique_ptr<CURL, EasyFree> handle(curl_easy_init());
  return handle.get();
}

}  // namespace

bool IsPrivateAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return PrivateV4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    const uint8_t* b = v6->sin6_addr.s6_addr;
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) == 0) {
      return PrivateV4((uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) |
                       b[15]);
    }
    static const uint8_t kZero[15] = {};
    if (std::memcmp(b, kZero, 15) == 0) return true;   // :: and ::1
    return (b[0] & 0xfe) == 0xfc ||                    // unique local fc00::/7
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||  // link-local fe80::/10
           b[0] == 0xff;                               // multicast
  }
  return true;  // anything else (unix sockets) is never a push endpoint
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpReply> HttpClient::Post(const HttpPost& request) const {
  return Perform(request, true);
}

Result<HttpReply> HttpClient::Get(const std::string& url,
                                  const std::vector<std::string>& headers) const {
  return Perform(HttpPost{url, headers, ""}, false);
}

Result<HttpReply> HttpClient::Perform(const HttpPost& request, bool post) const {
  CURL* curl = ThreadHandle();
  if (curl == nullptr) return Status(Code::kInternal, "push: curl_easy_init failed");
  curl_easy_reset(curl);  // keeps the connection cache
  Transfer transfer;
  transfer.max_body = options_.max_reply_bytes;
  curl_slist* headers = nullptr;
  for (const std::string& header : request.headers)
    headers = curl_slist_append(headers, header.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, options_.allow_private ? "http,https" : "https");
  if (post) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "parleyd");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &options_.allow_private);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return Status(Code::kUnavailable, std::string("push: ") + curl_easy_strerror(code));
  }
  HttpReply reply;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = std::move(transfer.body);
  reply.truncated = transfer.truncated;
  reply.retry_after = std::move(transfer.retry_after);
  return reply;
}

}  // namespace parley::push
