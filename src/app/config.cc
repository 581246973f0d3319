#include "app/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "base/plain_host.h"
#include "cluster/redis_address.h"
#include "mail/compose.h"

namespace parley::app {
namespace {

using Setter = std::function<Status(Config&, const std::string&)>;

struct Option {
  std::string key;
  std::string help;
  Setter set;
};

Status Invalid(const std::string& key, const std::string& why) {
  return Status(Code::kInvalidArgument, "config '" + key + "': " + why);
}

// A whole-number option within [min, max], stored by `assign`.
Option Int(std::string key, std::string help, int64_t min, int64_t max,
           std::function<void(Config&, int64_t)> assign) {
  Setter set = [=](Config& config, const std::string& text) -> Status {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return Invalid(key, "'" + text.substr(0, 64) + "' is not a whole number");
    }
    if (value < min || value > max) {
      return Invalid(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    assign(config, value);
    return Status::Ok();
  };
  return Option{std::move(key), std::move(help), std::move(set)};
}

// An S3 endpoint: "http://" or "https://", then a plain host[:port] (base/plain_host.h) and at
// most trailing '/'s, so its origin can be named in the web app's policy as it is.
bool IsBucketEndpoint(std::string_view endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  for (std::string_view scheme : {"http://", "https://"}) {
    if (endpoint.substr(0, scheme.size()) == scheme) {
      return IsPlainHost(endpoint.substr(scheme.size()));
    }
  }
  return false;
}

// An S3 bucket name as S3 takes it (it may become part of a host name).
bool IsBucketName(std::string_view bucket) {
  return bucket.size() >= 3 && bucket.size() <= 63 &&
         std::all_of(bucket.begin(), bucket.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
         });
}

// A true/false option, stored by `assign`.
Option Bool(std::string key, std::string help, std::function<void(Config&, bool)> assign) {
  Setter set = [=](Config& config, const std::string& text) -> Status {
    if (text != "true" && text != "false") return Invalid(key, "must be true or false");
    assign(config, text == "true");
    return Status::Ok();
  };
  return Option{std::move(key), std::move(help), std::move(set)};
}

// "HOST:PORT" or "[V6]:PORT" for the option `key`.
Status ParseHostPort(const std::string& key, const std::string& text, std::string& host_out,
                     uint16_t& port_out) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return Invalid(key, "expected HOST:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  const std::string port_text = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return Invalid(key, "bad port '" + port_text.substr(0, 64) + "'");
  }
  host_out = host;
  port_out = static_cast<uint16_t>(port);
  return Status::Ok();
}

// A text option stored as given by `assign`; `allow_empty` false refuses an empty value.
Option Text(std::string key, std::string help, bool allow_empty,
            std::function<void(Config&, const std::string&)> assign) {
  Setter set = [=](Config& config, const std::string& text) -> Status {
    if (!allow_empty && text.empty()) return Invalid(key, "must not be empty");
    assign(config, text);
    return Status::Ok();
  };
  return Option{std::move(key), std::move(help), std::move(set)};
}

Status SetListen(Config& config, const std::string& text) {
  return ParseHostPort("listen", text, config.server.host, config.server.port);
}

Status SetRedirectListen(Config& config, const std::string& text) {
  net::SideListener redirect;
  if (Status s = ParseHostPort("http-redirect-listen", text, redirect.host, redirect.port);
      !s.ok()) {
    return s;
  }
  config.server.http_redirect = redirect;
  return Status::Ok();
}

// --- metrics (docs/operations.md, "Metrics") ---

Status SetMetricsListen(Config& config, const std::string& text) {
  net::SideListener listen;
  if (Status s = ParseHostPort("metrics-listen", text, listen.host, listen.port); !s.ok()) {
    return s;
  }
  config.server.metrics_listen = listen;
  return Status::Ok();
}

// An address users reach the server at: http(s)://HOST[:PORT][/PATH], no final '/', no
// query or fragment (public-url, xmpp-upload-url).
bool IsBaseUrl(const std::string& v) {
  const bool scheme = v.starts_with("http://") || v.starts_with("https://");
  return scheme && !v.ends_with("/") && v.size() <= 200 &&
         v.find_first_of(" \t\r\n#?") == std::string::npos;
}

// --- XMPP (docs/xmpp.md) ---

Status SetXmppListen(Config& config, const std::string& text) {
  if (Status s = ParseHostPort("xmpp-listen", text, config.xmpp.host, config.xmpp.port); !s.ok()) {
    return s;
  }
  config.xmpp.enabled = true;
  return Status::Ok();
}

// A DNS name in lowercase ASCII: what users put after the @ of their JIDs.
Status SetXmppDomain(Config& config, const std::string& text) {
  const bool valid =
      !text.empty() && text.size() <= 253 && text.front() != '.' && text.back() != '.' &&
      text.front() != '-' && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
      });
  if (!valid) {
    return Invalid("xmpp-domain", "must be a DNS name in lowercase, e.g. chat.example.org");
  }
  config.xmpp.c2s.domain = text;
  return Status::Ok();
}

// A bearer token (RFC 6750's token68 characters), long enough not to be guessed.
Status SetMetricsToken(Config& config, const std::string& text) {
  if (text.size() < 16 || text.size() > 256) {
    return Invalid("metrics-token", "must be 16 to 256 characters");
  }
  for (char c : text) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') ||
                         std::string_view("-._~+/=").find(c) != std::string_view::npos;
    if (!allowed) return Invalid("metrics-token", "may hold only A-Z a-z 0-9 - . _ ~ + / =");
  }
  config.server.metrics_token = text;
  return Status::Ok();
}

// Appends every range of a comma- or space-separated list, so the key may repeat.
Status AddTrustedProxies(Config& config, const std::string& text) {
  size_t added = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find_first_of(", ", start), text.size());
    if (end > start) {
      auto range = net::ParseCidr(std::string_view(text).substr(start, end - start));
      if (!range.ok()) return Invalid("trusted-proxy", range.status().message());
      config.server.proxy_trust.proxies.push_back(*range);
      ++added;
    }
    start = end + 1;
  }
  if (added == 0) return Invalid("trusted-proxy", "expected CIDR[,CIDR...]");
  return Status::Ok();
}

const std::vector<Option>& Options() {
  static const std::vector<Option> options = {
      {"listen",
       "HOST:PORT to serve HTTP and WebSocket on; port 0 picks a free one (127.0.0.1:8080)",
       SetListen},
      Text("tls-cert",
           "PEM certificate chain (leaf first) to serve HTTPS and WSS with; needs tls-key; "
           "reloaded on SIGHUP (none: plain HTTP)",
           false, [](Config& c, const std::string& v) { c.server.tls_cert_file = v; }),
      Text("tls-key", "PEM private key of tls-cert; reloaded on SIGHUP", false,
           [](Config& c, const std::string& v) { c.server.tls_key_file = v; }),
      {"http-redirect-listen",
       "HOST:PORT of a plain-HTTP listener that only redirects to HTTPS; needs tls-cert (none)",
       SetRedirectListen},
      {"log-format",
       "how log lines are written: text (key=value) or json (one object a line) (text)",
       [](Config& c, const std::string& v) -> Status {
         if (v != "text" && v != "json") return Invalid("log-format", "must be text or json");
         c.log_format = v == "json" ? LogFormat::kJson : LogFormat::kText;
         return Status::Ok();
       }},
      {"metrics-listen", "HOST:PORT of a plain-HTTP listener serving only GET /metrics (none)",
       SetMetricsListen},
      {"xmpp-listen", "HOST:PORT of the XMPP client listener, e.g. 0.0.0.0:5222 (none: no XMPP)",
       SetXmppListen},
      {"xmpp-domain", "the domain of users' XMPP addresses, username@DOMAIN (localhost)",
       SetXmppDomain},
      Bool("xmpp-plain-without-tls",
           "true: offer SASL PLAIN (the password itself) on XMPP streams without TLS, only for "
           "loopback or a network you trust (false)",
           [](Config& c, bool v) { c.xmpp.c2s.allow_plain_without_tls = v; }),
      Int("xmpp-max-connections", "open XMPP connections at most; more are closed at once (10000)",
          1, 10000000,
          [](Config& c, int64_t v) { c.xmpp.max_connections = static_cast<size_t>(v); }),
      Int("xmpp-max-connections-per-address",
          "open XMPP connections from one IPv4 address or IPv6 /64; more are closed at once (100)",
          1, 10000000,
          [](Config& c, int64_t v) {
            c.xmpp.max_connections_per_address = static_cast<size_t>(v);
          }),
      Int("xmpp-resume-timeout-s",
          "how long an XMPP session with stream management (XEP-0198) waits for its client to "
          "resume it after the connection is lost; 0: no resume (300)",
          0, 24 * 3600,
          [](Config& c, int64_t v) { c.xmpp.c2s.resume_timeout_s = static_cast<int>(v); }),
      {"xmpp-upload-url",
       "http(s)://HOST[:PORT][/PATH] of this server's HTTP listener as XMPP clients reach it, "
       "for the URLs of XEP-0363 upload slots (public-url; without it http(s)://the "
       "listen address)",
       [](Config& c, const std::string& v) -> Status {
         if (!IsBaseUrl(v)) {
           return Invalid("xmpp-upload-url", "must be http(s)://HOST[:PORT][/PATH], no final /");
         }
         c.xmpp.c2s.upload_base_url = v;
         return Status::Ok();
       }},
      {"metrics-token",
       "bearer token GET /metrics needs; also serves /metrics on the main listener; put it in "
       "the config file, not on the command line (none)",
       SetMetricsToken},
      Int("hsts-max-age-s",
          "max-age of Strict-Transport-Security, sent when TLS is on; 0 sends none (31536000)", 0,
          2LL * 365 * 24 * 3600,
          [](Config& c, int64_t v) { c.server.hsts_max_age_s = static_cast<int>(v); }),
      {"smtp-url",
       "outgoing mail server: smtp://HOST[:PORT] (STARTTLS required) or smtps://HOST[:PORT] "
       "(none: no mail)",
       [](Config& c, const std::string& v) -> Status {
         if (!v.starts_with("smtp://") && !v.starts_with("smtps://")) {
           return Invalid("smtp-url", "must start with smtp:// or smtps://");
         }
         c.smtp.url = v;
         return Status::Ok();
       }},
      {"smtp-from", "sender address of outgoing mail, local@domain",
       [](Config& c, const std::string& v) -> Status {
         if (!mail::IsPlainAddress(v)) return Invalid("smtp-from", "must be local@domain");
         c.smtp.from = v;
         return Status::Ok();
       }},
      Text("smtp-username", "SMTP AUTH user (none: no AUTH)", true,
           [](Config& c, const std::string& v) { c.smtp.username = v; }),
      Text("smtp-password",
           "SMTP AUTH password; put it in the --config file, not on the command line", true,
           [](Config& c, const std::string& v) { c.smtp.password = v; }),
      Text("smtp-ca-file", "PEM CAs for the SMTP server's certificate (the system's)", true,
           [](Config& c, const std::string& v) { c.smtp.ca_file = v; }),
      Int("smtp-queue", "mails waiting to be sent at most; more are refused (1000)", 1, 1000000,
          [](Config& c, int64_t v) { c.smtp.queue_limit = static_cast<size_t>(v); }),
      Int("smtp-timeout-ms", "time for one SMTP delivery (30000)", 1000, 600000,
          [](Config& c, int64_t v) { c.smtp.timeout_ms = static_cast<int>(v); }),
      {"smtp-test-to",
       "ADDRESS: send one test mail with the smtp-* settings, print the outcome and exit",
       [](Config& c, const std::string& v) -> Status {
         if (!mail::IsPlainAddress(v)) return Invalid("smtp-test-to", "must be local@domain");
         c.smtp_test_to = v;
         return Status::Ok();
       }},
      // --- e-mail verification and password reset (account/email_service.h) ---
      {"public-url",
       "the web app's address as users reach it (https://chat.example.org), for the links in "
       "verification and password-reset mails (none: the mails carry the code alone)",
       [](Config& c, const std::string& v) -> Status {
         if (!IsBaseUrl(v)) {
           return Invalid("public-url", "must be http(s)://HOST[:PORT][/PATH] without a final /");
         }
         c.email.public_url = v;
         return Status::Ok();
       }},
      Int("reset-token-lifetime-s", "how long a password-reset link works (1800)", 1, 24 * 3600,
          [](Config& c, int64_t v) { c.email.reset_lifetime_ms = v * 1000; }),
      Int("verify-token-lifetime-s", "how long an e-mail verification link works (3600)", 1,
          7 * 24 * 3600, [](Config& c, int64_t v) { c.email.verify_lifetime_ms = v * 1000; }),
      // --- end of e-mail verification and password reset ---
      {"data-dir", "directory for the database (data)",
       [](Config& c, const std::string& v) -> Status {
         if (v.empty()) return Invalid("data-dir", "must not be empty");
         c.data_dir = v;
         return Status::Ok();
       }},
      {"postgres",
       "keep accounts, conversations and messages in this PostgreSQL database instead of "
       "<data-dir>/parley.db: a libpq connection string or postgres:// URI; several nodes may "
       "share it (off)",
       [](Config& c, const std::string& v) -> Status {
         if (v.empty() || v.size() > 1024 || v.find_first_of("\r\n") != std::string::npos) {
           return Invalid("postgres", "must be a connection string of one line, at most 1024 bytes");
         }
         c.postgres = v;
         return Status::Ok();
       }},
      {"redis",
       "run as one node of a cluster: redis://[:PASSWORD@]HOST[:PORT][/DB], the Redis server "
       "the nodes share for live delivery, presence and session closes; needs postgres (off)",
       [](Config& c, const std::string& v) -> Status {
         auto address = cluster::ParseRedisAddress(v);
         if (!address.ok()) return Invalid("redis", std::string(address.status().message()));
         c.redis = v;
         return Status::Ok();
       }},
      {"redis-channel",
       "the Redis pub/sub channel of the cluster's bus: nodes on one channel are one cluster "
       "(parley:bus)",
       [](Config& c, const std::string& v) -> Status {
         const bool printable = std::all_of(v.begin(), v.end(), [](char ch) { return ch > ' ' && ch < 127; });
         if (v.empty() || v.size() > 100 || !printable) {
           return Invalid("redis-channel", "must be 1 to 100 printable ASCII characters, no spaces");
         }
         c.redis_channel = v;
         return Status::Ok();
       }},
      Text("secret-key-file",
           "the key that seals stored secrets such as two-step sign-in seeds (base64, made "
           "0600 at first start) (<data-dir>/secret.key)",
           false, [](Config& c, const std::string& v) { c.secret_key_file = v; }),
      Text("rotate-secret-key",
           "NEW_FILE: reseal every stored secret under the key in NEW_FILE (made if missing), "
           "print how many, and exit; run with the server stopped, then use NEW_FILE as "
           "secret-key-file",
           false, [](Config& c, const std::string& v) { c.rotate_secret_key_to = v; }),
      {"web-root", "directory of the built web app to serve at / (none)",
       [](Config& c, const std::string& v) -> Status {
         c.server.web_root = v;
         return Status::Ok();
       }},
      {"fsync", "full: fsync every commit (default); normal: survive crashes, not power loss",
       [](Config& c, const std::string& v) -> Status {
         if (v != "full" && v != "normal") return Invalid("fsync", "must be full or normal");
         c.fsync_every_commit = v == "full";
         return Status::Ok();
       }},
      Int("io-threads", "event-loop threads (1)", 1, 64,
          [](Config& c, int64_t v) { c.server.io_threads = static_cast<int>(v); }),
      Int("worker-threads", "threads for token checks, store reads and search (2)", 1, 256,
          [](Config& c, int64_t v) { c.server.worker_threads = static_cast<int>(v); }),
      Int("hashing-threads", "threads for password hashing: register, login, password (1)", 1, 256,
          [](Config& c, int64_t v) { c.server.hashing_threads = static_cast<int>(v); }),
      Int("hashing-queue", "password hashes waiting at most; more get 503 (32)", 0, 1000000,
          [](Config& c, int64_t v) { c.server.hashing_queue = static_cast<int>(v); }),
      Int("media-threads", "threads processing completed uploads (1)", 1, 256,
          [](Config& c, int64_t v) { c.server.media_threads = static_cast<int>(v); }),
      Int("media-queue", "completed uploads waiting at most; more get 503 (8)", 0, 1000000,
          [](Config& c, int64_t v) { c.server.media_queue = static_cast<int>(v); }),
      Int("max-connections",
          "open connections at most, lowered to fit the open-files limit; more get 503 (10000)", 1,
          10000000,
          [](Config& c, int64_t v) { c.server.max_connections = static_cast<size_t>(v); }),
      Int("max-connections-per-address",
          "open connections from one IPv4 address or IPv6 /64; more get 503 (100)", 1, 10000000,
          [](Config& c, int64_t v) {
            c.server.max_connections_per_address = static_cast<size_t>(v);
          }),
      Int("header-timeout-ms",
          "time to send a request's header, and to start the next one on a kept-alive "
          "connection (5000)",
          100, 600000,
          [](Config& c, int64_t v) { c.server.header_timeout_ms = static_cast<int>(v); }),
      Int("http-timeout-ms", "time to send one HTTP request's body after its header (30000)", 1000,
          3600000, [](Config& c, int64_t v) { c.server.http_timeout_ms = static_cast<int>(v); }),
      Int("max-body-bytes", "largest HTTP request body (65536)", 1024, 64 << 20,
          [](Config& c, int64_t v) { c.server.max_body_bytes = static_cast<size_t>(v); }),
      Int("max-frame-bytes", "largest WebSocket frame from a client (65536)", 1024, 64 << 20,
          [](Config& c, int64_t v) { c.server.max_frame_bytes = static_cast<size_t>(v); }),
      Int("max-text-bytes", "longest message text in UTF-8 bytes (16384)", 1, 16 << 20,
          [](Config& c, int64_t v) { c.chat.max_text_bytes = static_cast<size_t>(v); }),
      Int("max-outgoing-bytes", "bytes queued to one WebSocket before closing it (4194304)", 4096,
          1LL << 30,
          [](Config& c, int64_t v) { c.server.max_outgoing_bytes = static_cast<size_t>(v); }),
      Int("max-frames-per-second", "sustained frames per WebSocket session (100)", 1, 1000000,
          [](Config& c, int64_t v) { c.server.frames_per_second = static_cast<double>(v); }),
      Int("frame-burst", "frames a session may send in a burst (200)", 1, 1000000,
          [](Config& c, int64_t v) { c.server.frame_burst = static_cast<double>(v); }),
      Int("hello-timeout-ms", "time a new WebSocket has to send hello (10000)", 100, 600000,
          [](Config& c, int64_t v) { c.server.hello_timeout_ms = static_cast<int>(v); }),
      Int("max-sessions-per-user", "WebSocket sessions one account may hold at once (32)", 1,
          1000000,
          [](Config& c, int64_t v) { c.server.max_sessions_per_user = static_cast<size_t>(v); }),
      Int("sync-stall-timeout-ms",
          "a catch-up replay that makes no progress this long is closed (30000)", 100, 3600000,
          [](Config& c, int64_t v) { c.server.sync_stall_ms = static_cast<int>(v); }),
      Int("shutdown-timeout", "seconds a graceful stop waits for connections to close (10)", 0,
          3600,
          [](Config& c, int64_t v) { c.server.shutdown_timeout_ms = static_cast<int>(v * 1000); }),
      Int("sync-limit", "messages replayed per conversation on connect (200)", 1, 100000,
          [](Config& c, int64_t v) { c.chat.sync_limit = static_cast<int>(v); }),
      Int("token-lifetime-days", "days a login token stays valid (30)", 1, 3650,
          [](Config& c, int64_t v) { c.auth.token_lifetime_ms = v * 24 * 3600 * 1000; }),
      Int("token-lifetime-s", "the same in seconds; the later of the two keys wins (2592000)", 1,
          3650LL * 24 * 3600, [](Config& c, int64_t v) { c.auth.token_lifetime_ms = v * 1000; }),
      Int("argon2-ops", "argon2id passes (2); 1 only for tests", 1, 100,
          [](Config& c, int64_t v) { c.auth.password.ops_limit = static_cast<uint64_t>(v); }),
      Int("argon2-memory-kib", "argon2id memory per hash in KiB (65536); 8 only for tests", 8,
          4 << 20,
          [](Config& c, int64_t v) { c.auth.password.memory_kib = static_cast<size_t>(v); }),
      Int("login-failures-per-account",
          "failed logins per account per 10 minutes before every address that fails on it "
          "waits from its first failure (10)",
          1, 1000000,
          [](Config& c, int64_t v) {
            c.auth.login.failures_per_account.max_events = static_cast<int>(v);
          }),
      Int("login-free-failures",
          "failed logins of one account from one address before delays (1 s doubling to "
          "15 min) start (5)",
          0, 1000,
          [](Config& c, int64_t v) { c.auth.login.backoff.free_failures = static_cast<int>(v); }),
      Int("login-failures-per-address", "failed logins per client address per hour (50)", 1,
          1000000,
          [](Config& c, int64_t v) {
            c.auth.login.failures_per_address.max_events = static_cast<int>(v);
          }),
      Int("login-failures-global",
          "failed logins per minute on the whole server before addresses that failed recently "
          "are refused (600)",
          1, 1000000,
          [](Config& c, int64_t v) {
            c.auth.login.failures_global.max_events = static_cast<int>(v);
          }),
      Int("login-attempts-per-address", "login attempts per client address per minute (60)", 1,
          1000000,
          [](Config& c,
             int64_t v) { c.auth.login.attempts_per_address.max_events = static_cast<int>(v); }),
      Int("registrations-per-address", "accounts created per client address per hour (20)", 1,
          1000000,
          [](Config& c,
             int64_t v) { c.auth.registrations_per_address.max_events = static_cast<int>(v); }),
      {"trusted-proxy",
       "CIDR[,CIDR...] of reverse proxies whose forwarding header names the client; may repeat, "
       "each adds (none: the TCP peer is the client)",
       AddTrustedProxies},
      {"forwarded-header",
       "the header trusted proxies write: x-forwarded-for (default) or forwarded (RFC 7239)",
       [](Config& c, const std::string& v) -> Status {
         if (v != "x-forwarded-for" && v != "forwarded") {
           return Invalid("forwarded-header", "must be x-forwarded-for or forwarded");
         }
         c.server.proxy_trust.header = v == "forwarded" ? net::ForwardedHeader::kForwarded
                                                        : net::ForwardedHeader::kXForwardedFor;
         return Status::Ok();
       }},
      Int("writer-batch-delay-us", "wait for more messages before a commit under load (200)", 0,
          100000,
          [](Config& c, int64_t v) { c.writer.batch_delay = std::chrono::microseconds(v); }),
      Bool("direct-messages-require-friendship",
           "true: direct messages only between friends (default); false: anyone may write anyone",
           [](Config& c, bool v) { c.writer.direct_requires_friendship = v; }),
      Bool("group-adds-require-friendship",
           "true: creators and admins put only their friends into groups, others join by invite "
           "or request (default); false: anyone not blocked",
           [](Config& c, bool v) { c.writer.group_adds_require_friendship = v; }),
      Int("group-creations-per-hour", "groups one user may create per hour (20)", 1, 1000000,
          [](Config& c, int64_t v) { c.groups.creations.max_events = static_cast<int>(v); }),
      Int("friend-requests-per-hour", "friend requests one user may send per hour (50)", 1, 1000000,
          [](Config& c, int64_t v) { c.social.friend_requests.max_events = static_cast<int>(v); }),
      Int("group-adds-per-hour", "add-member requests one user may make per hour (60)", 1, 1000000,
          [](Config& c, int64_t v) { c.groups.adds.max_events = static_cast<int>(v); }),
      {"admin", "USERNAME of an existing account to make a server admin at start-up",
       [](Config& c, const std::string& v) -> Status {
         if (v.empty()) return Invalid("admin", "must not be empty");
         c.admin_username = v;
         return Status::Ok();
       }},
      {"push-preview",
       "what push notifications show at most: full (sender and text), sender, or none (full)",
       [](Config& c, const std::string& v) -> Status {
         if (v != "full" && v != "sender" && v != "none") {
           return Invalid("push-preview", "must be full, sender or none");
         }
         const push::Preview preview = v == "full"     ? push::Preview::kFull
                                       : v == "sender" ? push::Preview::kSender
                                                       : push::Preview::kNone;
         c.push.outbox.server_preview = preview;
         c.push.registry.server_preview = preview;
         return Status::Ok();
       }},
      Bool("push-allow-private-endpoints",
           "true: push endpoints may be http and private, loopback or link-local addresses "
           "(tests, intranets); false: https to public addresses only (default)",
           [](Config& c, bool v) {
             c.push.http.allow_private = v;
             c.push.registry.allow_private = v;
           }),
      {"push-ca-file", "extra CA bundle trusted for push endpoints (none: the system's)",
       [](Config& c, const std::string& v) -> Status {
         c.push.http.ca_file = v;
         return Status::Ok();
       }},
      {"push-vapid-subject", "VAPID contact push services see (mailto:admin@localhost)",
       [](Config& c, const std::string& v) -> Status {
         if (!v.starts_with("mailto:") && !v.starts_with("https://")) {
           return Invalid("push-vapid-subject", "must be a mailto: or https: URL");
         }
         if (v.find_first_of("\"\\") != std::string::npos) {
           return Invalid("push-vapid-subject", "must not hold quotes or backslashes");
         }
         c.push.vapid_subject = v;
         return Status::Ok();
       }},
      {"push-vapid-key-file",
       "the VAPID private key (PEM sealed under the secret key file, made at first start) "
       "(<data-dir>/vapid_private.pem)",
       [](Config& c, const std::string& v) -> Status {
         if (v.empty()) return Invalid("push-vapid-key-file", "must not be empty");
         c.push.vapid_key_file = v;
         return Status::Ok();
       }},
      Int("push-senders", "push requests in flight at most, per provider (4)", 1, 256,
          [](Config& c, int64_t v) { c.push.outbox.senders = static_cast<int>(v); }),
      Int("push-max-attempts", "tries of one notification before it is dead-lettered (8)", 1, 100,
          [](Config& c, int64_t v) { c.push.outbox.max_attempts = static_cast<int>(v); }),
      Int("push-backoff-ms", "first retry delay; doubles per try, with jitter, up to 1 h (1000)", 1,
          3600000, [](Config& c, int64_t v) { c.push.outbox.backoff_base_ms = v; }),
      Int("push-timeout-ms", "time for one push request, connect included (10000)", 100, 120000,
          [](Config& c, int64_t v) {
            c.push.http.timeout_ms = static_cast<int>(v);
            c.push.http.connect_timeout_ms = std::min(5000, static_cast<int>(v));
          }),
      Int("push-max-targets-per-user", "push targets one user may register (10)", 1, 1000,
          [](Config& c, int64_t v) { c.push.registry.max_targets_per_user = static_cast<int>(v); }),
      Int("push-queue", "notifications waiting to be written at most; more are dropped (100000)", 1,
          10000000,
          [](Config& c, int64_t v) { c.push.outbox.max_intake = static_cast<size_t>(v); }),
      Int("email-digest-after-ms",
          "offline time with missed messages before an e-mail digest, for users who turned "
          "digests on (1800000: 30 min)",
          100, 7LL * 24 * 3600 * 1000,
          [](Config& c, int64_t v) {
            c.push.digest.after_ms = v;
            // Checked four times per delay, at most every 30 s.
            c.push.digest.check_period = std::chrono::milliseconds(std::min<int64_t>(v / 4, 30000));
          }),
      // --- push: FCM and APNs (credentials are files; push/providers.h checks them) ---
      {"push-fcm-service-account",
       "FCM: the Google service-account JSON file (none: no FCM targets)",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.fcm_service_account_file = v;
         return Status::Ok();
       }},
      {"push-fcm-url", "FCM: the HTTP v1 API's base URL (https://fcm.googleapis.com)",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.fcm_url = v;
         return Status::Ok();
       }},
      {"push-apns-key-file", "APNs: the provider token signing key, a .p8 file (none: no APNs)",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.apns_key_file = v;
         return Status::Ok();
       }},
      {"push-apns-key-id", "APNs: the .p8 key's id",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.apns.key_id = v;
         return Status::Ok();
       }},
      {"push-apns-team-id", "APNs: the developer team id",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.apns.team_id = v;
         return Status::Ok();
       }},
      {"push-apns-topic", "APNs: the app's bundle id",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.apns.topic = v;
         return Status::Ok();
       }},
      {"push-apns-url",
       "APNs: the base URL (https://api.push.apple.com; https://api.sandbox.push.apple.com for "
       "development builds)",
       [](Config& c, const std::string& v) -> Status {
         c.push.providers.apns.base_url = v;
         return Status::Ok();
       }},
      Int("writer-max-batch", "messages committed in one transaction at most (1024)", 1, 100000,
          [](Config& c, int64_t v) { c.writer.max_batch = static_cast<size_t>(v); }),
      {"media-dir", "directory of uploaded media and uploads in progress (<data-dir>/media)",
       [](Config& c, const std::string& v) -> Status {
         if (v.empty()) return Invalid("media-dir", "must not be empty");
         c.media.media_dir = v;
         return Status::Ok();
       }},
      Int("max-upload-bytes", "largest upload (104857600)", 1, 1LL << 40,
          [](Config& c, int64_t v) { c.media.max_upload_bytes = v; }),
      Int("upload-chunk-bytes", "largest chunk of an upload, one PUT's body (4194304)", 1024,
          64 << 20, [](Config& c, int64_t v) { c.media.chunk_bytes = v; }),
      Int("media-quota-bytes", "storage per user: finished media plus open uploads (1073741824)", 0,
          1LL << 50, [](Config& c, int64_t v) { c.media.quota_bytes = v; }),
      Int("media-cleanup-interval-s", "seconds between removals of unused media (3600)", 1,
          7LL * 24 * 3600, [](Config& c, int64_t v) { c.media_cleanup_interval_ms = v * 1000; }),
      Int("upload-expiry-s", "seconds an upload may stay unfinished before removal (86400)", 1,
          365LL * 24 * 3600, [](Config& c, int64_t v) { c.media.upload_expiry_ms = v * 1000; }),
      Int("video-max-bytes", "largest video upload (104857600)", 1, 1LL << 40,
          [](Config& c, int64_t v) { c.media.video.max_bytes = v; }),
      Int("video-max-duration-s", "longest video, in seconds (300)", 1, 24 * 3600,
          [](Config& c, int64_t v) { c.media.video.max_duration_ms = v * 1000; }),
      Int("video-max-side", "a video's width and height each at most, in pixels (4096)", 16, 16384,
          [](Config& c, int64_t v) { c.media.video.max_side = static_cast<int>(v); }),
      Int("video-max-pixels", "a video's width times height at most (8294400)", 256,
          16384LL * 16384, [](Config& c, int64_t v) { c.media.video.max_pixels = v; }),
      Int("video-max-streams", "streams in a video file at most (4)", 1, 64,
          [](Config& c, int64_t v) { c.media.video.max_streams = static_cast<int>(v); }),
      {"backup-dir", "directory of the scheduled backups (none: no scheduled backups)",
       [](Config& c, const std::string& v) -> Status {
         if (v.empty()) return Invalid("backup-dir", "must not be empty");
         c.backup.dir = v;
         return Status::Ok();
       }},
      Int("backup-interval-s", "seconds between two scheduled backups (86400)", 1,
          365LL * 24 * 3600, [](Config& c, int64_t v) { c.backup.interval_ms = v * 1000; }),
      Int("backup-keep", "scheduled backups kept, the newest (7)", 1, 10000,
          [](Config& c, int64_t v) { c.backup.keep = static_cast<int>(v); }),
      Int("retention-days", "days messages are kept; 0 keeps them forever (0)", 0,
          chat::kMaxRetentionDays, [](Config& c, int64_t v) { c.retention.server.days = v; }),
      Int("retention-max-messages",
          "messages (seqs) each conversation keeps, the newest; 0 keeps all (0)", 0,
          chat::kMaxRetentionMessages,
          [](Config& c, int64_t v) { c.retention.server.max_messages = v; }),
      Int("media-retention-days", "days message attachments are kept; 0 keeps them forever (0)",
          0, chat::kMaxRetentionDays, [](Config& c, int64_t v) { c.retention.media_days = v; }),
      Int("retention-interval-s", "seconds between two pruning passes (60)", 1, 24 * 3600,
          [](Config& c, int64_t v) { c.retention.interval = std::chrono::seconds(v); }),
      Int("retention-batch", "messages removed per write transaction while pruning (500)", 1,
          10000, [](Config& c, int64_t v) { c.retention.batch = static_cast<int>(v); }),
      {"media-store", "where media blobs are kept: local (the media directory) or s3 (local)",
       [](Config& c, const std::string& v) -> Status {
         if (v != "local" && v != "s3") return Invalid("media-store", "must be local or s3");
         c.media_store.s3 = v == "s3";
         return Status::Ok();
       }},
      Text("s3-endpoint", "S3 API base URL, e.g. https://s3.eu-west-1.amazonaws.com (none)", false,
           [](Config& c, const std::string& v) { c.media_store.s3_options.endpoint = v; }),
      Text("s3-bucket", "S3 bucket holding the media blobs (none)", false,
           [](Config& c, const std::string& v) { c.media_store.s3_options.bucket = v; }),
      Text("s3-region", "S3 region the requests are signed for (us-east-1)", false,
           [](Config& c, const std::string& v) { c.media_store.s3_options.credentials.region = v; }),
      Text("s3-access-key", "S3 access key id (none)", false,
           [](Config& c, const std::string& v) {
             c.media_store.s3_options.credentials.access_key = v;
           }),
      Text("s3-secret-key-file", "file holding the S3 secret access key (none)", false,
           [](Config& c, const std::string& v) { c.media_store.s3_secret_key_file = v; }),
      Bool("s3-path-style",
           "S3 addressing: true endpoint/bucket/key, false bucket.endpoint/key (true)",
           [](Config& c, bool v) { c.media_store.s3_options.path_style = v; }),
      Text("s3-ca-file", "extra CA bundle trusted for the S3 endpoint (the system's)", false,
           [](Config& c, const std::string& v) { c.media_store.s3_options.ca_file = v; }),
      {"s3-downloads",
       "media downloads with media-store = s3: proxy (served by parleyd, Range included) or "
       "redirect (to a presigned URL) (proxy)",
       [](Config& c, const std::string& v) -> Status {
         if (v != "proxy" && v != "redirect") return Invalid("s3-downloads", "must be proxy or redirect");
         c.media.redirect_downloads = v == "redirect";
         return Status::Ok();
       }},
      Int("s3-url-expiry-s", "seconds a presigned download URL stays valid (300)", 1, 7LL * 24 * 3600,
          [](Config& c, int64_t v) { c.media_store.s3_options.url_expiry_s = static_cast<int>(v); }),
      Int("s3-part-bytes", "blobs larger than this go up in parts of this size (16777216)",
          5LL << 20, 1LL << 30, [](Config& c, int64_t v) { c.media_store.s3_options.part_bytes = v; }),
      Int("s3-timeout-s", "seconds to connect to S3, and a transfer's longest stall (30)", 1, 3600,
          [](Config& c, int64_t v) {
            c.media_store.s3_options.connect_timeout_ms = static_cast<int>(v * 1000);
            c.media_store.s3_options.stall_timeout_ms = static_cast<int>(v * 1000);
          }),
      Int("s3-cache-bytes", "local copies of S3 blobs kept for proxied downloads (1073741824)",
          0, 1LL << 50, [](Config& c, int64_t v) { c.media_store.s3_options.cache_bytes = v; }),
      Int("export-max-bytes", "data one user's export may hold at most (4294967296)", 1, 1LL << 50,
          [](Config& c, int64_t v) { c.exports.max_bytes = v; }),
      Int("export-keep-s", "seconds a finished export is kept for download (86400)", 1,
          30LL * 24 * 3600, [](Config& c, int64_t v) { c.exports.keep_ms = v * 1000; }),
      {"oidc-provider",
       "NAME: an OpenID Connect provider to sign in with, set by oidc.NAME.issuer, "
       "oidc.NAME.client-id, oidc.NAME.client-secret-file and optional oidc.NAME.display-name, "
       "oidc.NAME.scopes, oidc.NAME.token-auth (none)",
       [](Config& c, const std::string& v) { return oidc::ApplyOidcKey(c.oidc, "oidc-provider", v); }},
      Bool("oidc-allow-private",
           "OpenID Connect providers may be on loopback or private addresses, over http too "
           "(false)",
           [](Config& c, bool v) { c.oidc.http.allow_private = v; }),
      Text("oidc-ca-file", "PEM CAs for the OpenID Connect providers' certificates (the system's)",
           true, [](Config& c, const std::string& v) { c.oidc.http.ca_file = v; }),
      Int("orphan-media-grace-s",
          "seconds a finished media may stay unsent (and no avatar) before removal (86400)", 0,
          365LL * 24 * 3600, [](Config& c, int64_t v) { c.media.orphan_grace_ms = v * 1000; }),
  };
  return options;
}

Status Apply(Config& config, const std::string& key, const std::string& value) {
  for (const Option& option : Options()) {
    if (option.key == key) return option.set(config, value);
  }
  if (key.starts_with("oidc.")) return oidc::ApplyOidcKey(config.oidc, key, value);
  return Status(Code::kInvalidArgument, "unknown config key '" + key.substr(0, 64) + "'");
}

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const size_t last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

Status ApplyFile(Config& config, const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status(Code::kInvalidArgument, "cannot read config file '" + path + "'");
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    if (line.size() > 4096) {
      return Status(Code::kInvalidArgument,
                    path + ":" + std::to_string(number) + ": line too long");
    }
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return Status(Code::kInvalidArgument,
                    path + ":" + std::to_string(number) + ": expected key = value");
    }
    Status status = Apply(config, Trim(line.substr(0, eq)), Trim(line.substr(eq + 1)));
    if (!status.ok()) {
      return Status(status.code(), path + ":" + std::to_string(number) + ": " + status.message());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Config> ParseConfig(const std::vector<std::string>& args) {
  // Split "--key value" and "--key=value" pairs; the config file is applied first.
  std::vector<std::pair<std::string, std::string>> pairs;
  Config config;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      config.show_help = true;
      continue;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      return Status(Code::kInvalidArgument, "unexpected argument '" + arg.substr(0, 64) + "'");
    }
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      pairs.emplace_back(arg.substr(2, eq - 2), arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      pairs.emplace_back(arg.substr(2), args[++i]);
    } else {
      return Status(Code::kInvalidArgument, "option '" + arg.substr(0, 64) + "' needs a value");
    }
  }
  for (const auto& [key, value] : pairs) {
    if (key != "config") continue;
    if (Status status = ApplyFile(config, value); !status.ok()) return status;
  }
  for (const auto& [key, value] : pairs) {
    if (key == "config") continue;
    if (Status status = Apply(config, key, value); !status.ok()) return status;
  }
  const net::ServerOptions& server = config.server;
  if (server.tls_cert_file.empty() != server.tls_key_file.empty()) {
    return Invalid("tls-cert", "tls-cert and tls-key go together");
  }
  if (server.http_redirect && server.tls_cert_file.empty()) {
    return Invalid("http-redirect-listen", "redirects to HTTPS, so it needs tls-cert");
  }
  if (!config.smtp.url.empty() && config.smtp.from.empty()) {
    return Invalid("smtp-url", "needs smtp-from");
  }
  const MediaStoreConfig& store = config.media_store;
  if (store.s3 &&
      (store.s3_options.endpoint.empty() || store.s3_options.bucket.empty() ||
       store.s3_options.credentials.access_key.empty() || store.s3_secret_key_file.empty())) {
    return Invalid("media-store",
                   "s3 needs s3-endpoint, s3-bucket, s3-access-key and s3-secret-key-file");
  }
  if (store.s3 && !IsBucketEndpoint(store.s3_options.endpoint)) {
    return Invalid("s3-endpoint", "must be http:// or https:// and a host[:port], no path");
  }
  if (store.s3 && !IsBucketName(store.s3_options.bucket)) {
    return Invalid("s3-bucket", "must be 3 to 63 of a-z, 0-9, '.' and '-'");
  }
  if (config.media.redirect_downloads && !store.s3) {
    return Invalid("s3-downloads", "redirect needs media-store = s3");
  }
  if (!config.smtp_test_to.empty() && config.smtp.url.empty()) {
    return Invalid("smtp-test-to", "needs smtp-url");
  }
  if (!config.postgres.empty() && !config.backup.dir.empty()) {
    return Invalid("backup-dir",
                   "backs up parley.db; a PostgreSQL store is backed up with PostgreSQL's own "
                   "tools (pg_dump, pg_basebackup): docs/operations.md");
  }
  if (!config.redis.empty() && config.postgres.empty()) {
    return Invalid("redis", "needs postgres: the nodes of a cluster share one PostgreSQL store");
  }
  config.oidc.public_url = config.email.public_url;
  if (Status status = oidc::ValidateOidcOptions(config.oidc); !status.ok()) return status;
  return config;
}

std::string ConfigHelp() {
  std::ostringstream out;
  out << "usage: parleyd [--config FILE] [--KEY VALUE]...\n\n"
         "Every KEY may also be set in the config file as 'KEY = VALUE'.\n\n";
  out << "  --config FILE\n      read settings from FILE first\n";
  for (const Option& option : Options()) {
    out << "  --" << option.key << "\n      " << option.help << "\n";
  }
  return out.str();
}

}  // namespace parley::app
