// End-to-end tests of the web app's file serving (net/static_files.h) by a real parleyd with
// --web-root: content types, caching headers and revalidation, client-side routes answered by
// index.html, HEAD, hostile paths that must never read outside the root, and the security
// headers (net/http_util.h SetSecurityHeaders) on every kind of response.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// The value of header `name` (lower-case) in a response head, or "".
std::string Header(const std::string& head, const std::string& name) {
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + 3 + name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

class WebFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    const fs::path root = fs::path(dir_.path()) / "web";
    WriteFile(root / "index.html", "<!doctype html><title>Parley</title>");
    WriteFile(root / "assets" / "app-3f2a.js", "console.log('parley')");
    WriteFile(root / "favicon.svg", "<svg/>");
    WriteFile(root / ".env", "hidden");
    WriteFile(fs::path(dir_.path()) / "secret.txt", "outside the root");
    fs::create_symlink(fs::path(dir_.path()) / "secret.txt", root / "leak.txt");
    // A link without an extension must not pass for a client-side route either.
    fs::create_symlink(fs::path(dir_.path()) / "secret.txt", root / "leak");
    fs::create_directory_symlink(fs::path(dir_.path()), root / "outside");
    ServerProcess::Options options;
    options.extra_args = {"--web-root", root.string()};
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
  }

  Result<RawHttpResponse> Get(const std::string& target, const std::string& extra = "") {
    return RawHttpExchange(server_->port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + extra +
                                                "Connection: close\r\n\r\n");
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(WebFilesTest, ServesFilesWithTypesAndCaching) {
  auto index = Get("/");
  ASSERT_TRUE(IsOk(index));
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->raw_body, "<!doctype html><title>Parley</title>");
  EXPECT_EQ(Header(index->head, "content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(Header(index->head, "cache-control"), "no-cache");

  auto script = Get("/assets/app-3f2a.js");
  ASSERT_TRUE(IsOk(script));
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->raw_body, "console.log('parley')");
  EXPECT_EQ(Header(script->head, "content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(script->head, "cache-control"), "public, max-age=31536000, immutable");

  auto icon = Get("/favicon.svg");
  ASSERT_TRUE(IsOk(icon));
  EXPECT_EQ(Header(icon->head, "content-type"), "image/svg+xml");

  // Revalidation: the same ETag gets 304 with no body.
  const std::string etag = Header(index->head, "etag");
  ASSERT_FALSE(etag.empty());
  auto again = Get("/", "If-None-Match: " + etag + "\r\n");
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->raw_body.empty());
}

TEST_F(WebFilesTest, ClientRoutesGetIndexMissingFilesGet404) {
  for (const std::string target : {"/chat/42", "/settings", "/groups/7/info?tab=members"}) {
    auto route = Get(target);
    ASSERT_TRUE(IsOk(route));
    EXPECT_EQ(route->status, 200) << target;
    EXPECT_EQ(route->raw_body, "<!doctype html><title>Parley</title>") << target;
  }
  auto missing = Get("/assets/gone-1234.js");
  ASSERT_TRUE(IsOk(missing));
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body["error"]["code"], "not_found");
  // The API keeps its own 404s; the web app never answers under /api.
  auto api = Get("/api/v2/anything");
  ASSERT_TRUE(IsOk(api));
  EXPECT_EQ(api->status, 404);
}

TEST_F(WebFilesTest, HeadSendsHeadersOnly) {
  auto socket = RawSocket::Connect(server_->port());
  ASSERT_TRUE(IsOk(socket));
  ASSERT_TRUE(socket->WriteAll("HEAD /assets/app-3f2a.js HTTP/1.1\r\nHost: x\r\n\r\n"));
  socket->ReadUntil([](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; });
  const std::string& buffer = socket->buffer();
  const size_t end = buffer.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string head = buffer.substr(0, end);
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_EQ(Header(head, "content-length"), "21");
  // Nothing follows the head: the next request on the connection is answered cleanly.
  socket->buffer().erase(0, end + 4);
  ASSERT_TRUE(socket->WriteAll("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto health = ReadHttpResponse(*socket);
  ASSERT_TRUE(IsOk(health));
  EXPECT_EQ(health->status, 200);
}

TEST_F(WebFilesTest, HostilePathsNeverLeaveTheRoot) {
  const std::vector<std::string> hostile = {"/../secret.txt",
                                            "/%2e%2e/secret.txt",
                                            "/assets/..%2f..%2fsecret.txt",
                                            "/%2e%2e%2fsecret.txt",
                                            "/.env",
                                            "/leak.txt",
                                            "/leak",
                                            "/outside",
                                            "/outside/secret.txt",
                                            "/assets",
                                            "/assets/%00.js",
                                            "/..%5csecret.txt",
                                            "/./index.html",
                                            "/%2fetc%2fpasswd.txt",
                                            "/assets/../../secret.txt"};
  for (const std::string& target : hostile) {
    auto response = Get(target);
    ASSERT_TRUE(IsOk(response)) << target;
    EXPECT_EQ(response->raw_body.find("outside the root"), std::string::npos) << target;
    EXPECT_EQ(response->raw_body.find("hidden"), std::string::npos) << target;
    EXPECT_TRUE(response->status == 404 || response->status == 400)
        << target << " " << response->status;
    EXPECT_EQ(response->raw_body.find("<title>Parley</title>"), std::string::npos)
        << target << " is no client-side route";
  }
  auto post = RawHttpExchange(server_->port(),
                              "POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n");
  ASSERT_TRUE(IsOk(post));
  EXPECT_EQ(post->status, 404);
}

constexpr char kInertPolicy[] =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

// The headers every response carries, whatever its kind.
void ExpectSecurityHeaders(const RawHttpResponse& response, const std::string& what) {
  EXPECT_EQ(Header(response.head, "x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(Header(response.head, "referrer-policy"), "no-referrer") << what;
  EXPECT_EQ(Header(response.head, "x-frame-options"), "DENY") << what;
  EXPECT_FALSE(Header(response.head, "content-security-policy").empty()) << what;
}

TEST_F(WebFilesTest, TheAppsFilesCarryItsPolicy) {
  const std::string app_policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
      "media-src 'self' blob:; connect-src 'self' ws://x wss://x; object-src 'none'; "
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  auto index = Get("/");
  ASSERT_TRUE(IsOk(index));
  ExpectSecurityHeaders(*index, "index.html");
  EXPECT_EQ(Header(index->head, "content-security-policy"), app_policy);
  auto route = Get("/chat/42");  // a client-side route answered by index.html
  ASSERT_TRUE(IsOk(route));
  EXPECT_EQ(Header(route->head, "content-security-policy"), app_policy);
  auto script = Get("/assets/app-3f2a.js");
  ASSERT_TRUE(IsOk(script));
  ExpectSecurityHeaders(*script, "script");
  EXPECT_EQ(Header(script->head, "content-security-policy"), app_policy);
  auto revalidated = Get("/", "If-None-Match: " + Header(index->head, "etag") + "\r\n");
  ASSERT_TRUE(IsOk(revalidated));
  EXPECT_EQ(revalidated->status, 304);
  ExpectSecurityHeaders(*revalidated, "304");

  // connect-src names the WebSocket on the host the browser asked for, and only a plain one.
  const std::vector<std::pair<std::string, std::string>> hosts = {
      {"chat.example.org:8443", "'self' ws://chat.example.org:8443 wss://chat.example.org:8443"},
      {"[::1]:8080", "'self' ws://[::1]:8080 wss://[::1]:8080"},
      {"evil.example; script-src *", "'self'"},
      {"a b", "'self'"}};
  for (const auto& [host, connect] : hosts) {
    auto response = RawHttpExchange(
        server_->port(), "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(IsOk(response)) << host;
    const std::string policy = Header(response->head, "content-security-policy");
    EXPECT_NE(policy.find("; connect-src " + connect + "; "), std::string::npos) << policy;
    EXPECT_EQ(policy.find("evil"), std::string::npos) << policy;
  }
}

TEST_F(WebFilesTest, JsonAndErrorsAreInert) {
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"JSON", "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"a file missing", "GET /gone.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"no token", "GET /api/v1/account HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"a bad target", "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"unparsable", "GET / HTTP/1.1\r\nHost x\r\n\r\n"},
      {"a refused WebSocket handshake",
       "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n\r\n"},
      {"a bad login",
       "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
       "Connection: close\r\n\r\n{}"}};
  for (const auto& [what, request] : requests) {
    auto response = RawHttpExchange(server_->port(), request);
    ASSERT_TRUE(IsOk(response)) << what;
    EXPECT_TRUE(what == "JSON" || response->status >= 400) << what << " " << response->status;
    ExpectSecurityHeaders(*response, what);
    EXPECT_EQ(Header(response->head, "content-security-policy"), kInertPolicy) << what;
  }
}

TEST(WebFilesWithoutRootTest, NoWebRootMeansNotFound) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  auto index =
      RawHttpExchange((*server)->port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(IsOk(index));
  EXPECT_EQ(index->status, 404);
}

}  // namespace
}  // namespace parley::e2e
