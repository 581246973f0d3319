#include "app/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace parley::app {
namespace {

// Every key of `parleyd --help` has its row in docs/operations.md, "Configuration reference".
TEST(ConfigDocs, EveryKeyIsInTheOperatorsGuide) {
  std::ifstream file(PARLEY_SOURCE_DIR "/docs/operations.md");
  ASSERT_TRUE(file) << "docs/operations.md";
  const std::string guide((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string help = ConfigHelp();
  int keys = 0;
  for (size_t at = help.find("\n  --"); at != std::string::npos; at = help.find("\n  --", at + 1)) {
    const size_t start = at + 5;
    const std::string key = help.substr(start, help.find_first_of(" \n", start) - start);
    if (key == "config") continue;
    ++keys;
    EXPECT_NE(guide.find("| `" + key + "` |"), std::string::npos) << key << " is not in the guide";
  }
  EXPECT_GT(keys, 80);
}

TEST(ConfigTest, DefaultsAndOverrides) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->server.host, "127.0.0.1");
  EXPECT_EQ(defaults->server.port, 8080);
  EXPECT_TRUE(defaults->fsync_every_commit);

  auto config = ParseConfig({"--listen", "0.0.0.0:0", "--data-dir=/tmp/x", "--io-threads", "2",
                             "--fsync", "normal", "--max-text-bytes", "100"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.host, "0.0.0.0");
  EXPECT_EQ(config->server.port, 0);
  EXPECT_EQ(config->data_dir, "/tmp/x");
  EXPECT_EQ(config->server.io_threads, 2);
  EXPECT_FALSE(config->fsync_every_commit);
  EXPECT_EQ(config->chat.max_text_bytes, 100u);

  auto ipv6 = ParseConfig({"--listen", "[::1]:9000"});
  ASSERT_TRUE(ipv6.ok());
  EXPECT_EQ(ipv6->server.host, "::1");
}

TEST(ConfigTest, RedisIsAValidUrlAndNeedsPostgres) {
  auto node =
      ParseConfig({"--postgres", "dbname=parley", "--redis", "redis://:pw@10.0.0.5:6380/2"});
  ASSERT_TRUE(node.ok()) << node.status().message();
  EXPECT_EQ(node->redis, "redis://:pw@10.0.0.5:6380/2");
  EXPECT_TRUE(ParseConfig({})->redis.empty());
  for (const char* bad : {"", "rediss://host", "http://host", "redis://host:99999", "redis://"}) {
    auto parsed = ParseConfig({"--postgres", "dbname=parley", "--redis", bad});
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << bad;
  }
  auto alone = ParseConfig({"--redis", "redis://127.0.0.1"});
  ASSERT_FALSE(alone.ok());
  EXPECT_NE(alone.status().message().find("needs postgres"), std::string::npos);
}

TEST(ConfigTest, ConnectionAndPoolLimits) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->server.max_connections, 10000u);
  EXPECT_EQ(defaults->server.max_connections_per_address, 100u);
  EXPECT_EQ(defaults->server.header_timeout_ms, 5000);
  EXPECT_EQ(defaults->server.http_timeout_ms, 30000);
  EXPECT_EQ(defaults->server.hashing_threads, 1);
  EXPECT_EQ(defaults->server.hashing_queue, 32);
  EXPECT_EQ(defaults->server.media_threads, 1);
  EXPECT_EQ(defaults->server.media_queue, 8);
  auto config =
      ParseConfig({"--max-connections", "50", "--max-connections-per-address", "5",
                   "--header-timeout-ms", "800", "--http-timeout-ms", "9000", "--hashing-threads",
                   "2", "--hashing-queue", "0", "--media-threads", "3", "--media-queue", "4"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.max_connections, 50u);
  EXPECT_EQ(config->server.max_connections_per_address, 5u);
  EXPECT_EQ(config->server.header_timeout_ms, 800);
  EXPECT_EQ(config->server.http_timeout_ms, 9000);
  EXPECT_EQ(config->server.hashing_threads, 2);
  EXPECT_EQ(config->server.hashing_queue, 0);
  EXPECT_EQ(config->server.media_threads, 3);
  EXPECT_EQ(config->server.media_queue, 4);
  for (const char* key : {"--max-connections", "--max-connections-per-address", "--hashing-threads",
                          "--media-threads", "--header-timeout-ms"}) {
    EXPECT_FALSE(ParseConfig({key, "0"}).ok()) << key;
  }
}

TEST(ConfigTest, MediaOptions) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->media.media_dir, "");  // parleyd uses <data-dir>/media
  EXPECT_EQ(defaults->media.max_upload_bytes, 100LL << 20);
  EXPECT_EQ(defaults->media.chunk_bytes, 4LL << 20);
  EXPECT_EQ(defaults->media.quota_bytes, 1LL << 30);
  EXPECT_EQ(defaults->media.upload_expiry_ms, 86400LL * 1000);
  EXPECT_EQ(defaults->media.orphan_grace_ms, 86400LL * 1000);
  EXPECT_EQ(defaults->media_cleanup_interval_ms, 3600LL * 1000);
  auto config = ParseConfig({"--media-dir", "/srv/media", "--max-upload-bytes", "1000",
                             "--upload-chunk-bytes", "2048", "--media-quota-bytes", "0",
                             "--media-cleanup-interval-s", "2", "--upload-expiry-s", "3",
                             "--orphan-media-grace-s", "0"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->media.media_dir, "/srv/media");
  EXPECT_EQ(config->media.max_upload_bytes, 1000);
  EXPECT_EQ(config->media.chunk_bytes, 2048);
  EXPECT_EQ(config->media.quota_bytes, 0);
  EXPECT_EQ(config->media_cleanup_interval_ms, 2000);
  EXPECT_EQ(config->media.upload_expiry_ms, 3000);
  EXPECT_EQ(config->media.orphan_grace_ms, 0);
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--media-dir", ""},
                                             {"--upload-chunk-bytes", "100"},
                                             {"--max-upload-bytes", "0"},
                                             {"--media-cleanup-interval-s", "0"},
                                             {"--upload-expiry-s", "-1"}}) {
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[0];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(bad[0].substr(2)), std::string::npos);
  }
}

TEST(ConfigTest, ScheduledBackupOptions) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->backup.dir, "");  // no scheduled backups
  EXPECT_EQ(defaults->backup.interval_ms, 86400LL * 1000);
  EXPECT_EQ(defaults->backup.keep, 7);
  auto config = ParseConfig(
      {"--backup-dir", "/backups", "--backup-interval-s", "3600", "--backup-keep", "30"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->backup.dir, "/backups");
  EXPECT_EQ(config->backup.interval_ms, 3600LL * 1000);
  EXPECT_EQ(config->backup.keep, 30);
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--backup-dir", ""},
                                             {"--backup-interval-s", "0"},
                                             {"--backup-interval-s", "1e3"},
                                             {"--backup-keep", "0"},
                                             {"--backup-keep", "10001"}}) {
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[0];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(bad[0].substr(2)), std::string::npos);
  }
}

TEST(ConfigTest, PostgresStore) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->postgres, "");  // SQLite in the data dir
  auto config = ParseConfig({"--postgres", "host=db dbname=parley user=parley passfile=/p"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->postgres, "host=db dbname=parley user=parley passfile=/p");
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--postgres", ""},
           {"--postgres", "host=db\ndbname=x"},
           {"--postgres", std::string(1025, 'x')},
           // Scheduled backups copy parley.db, which a PostgreSQL store does not have.
           {"--postgres", "dbname=parley", "--backup-dir", "/backups"}}) {
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[1];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  }
}

TEST(ConfigTest, PushOptions) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->push.http.allow_private);
  EXPECT_EQ(defaults->push.outbox.server_preview, push::Preview::kFull);
  EXPECT_EQ(defaults->push.registry.max_targets_per_user, 10);
  auto config =
      ParseConfig({"--push-preview", "sender", "--push-allow-private-endpoints", "true",
                   "--push-senders", "8", "--push-timeout-ms", "2000", "--push-vapid-subject",
                   "https://ops.example.org/contact", "--push-max-targets-per-user", "3"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->push.outbox.server_preview, push::Preview::kSender);
  EXPECT_EQ(config->push.registry.server_preview, push::Preview::kSender);
  EXPECT_TRUE(config->push.http.allow_private);
  EXPECT_TRUE(config->push.registry.allow_private);
  EXPECT_EQ(config->push.outbox.senders, 8);
  EXPECT_EQ(config->push.http.timeout_ms, 2000);
  EXPECT_EQ(config->push.http.connect_timeout_ms, 2000);
  EXPECT_EQ(config->push.vapid_subject, "https://ops.example.org/contact");
  EXPECT_EQ(config->push.registry.max_targets_per_user, 3);
  for (auto bad : std::vector<std::vector<std::string>>{{"--push-preview", "loud"},
                                                        {"--push-allow-private-endpoints", "yes"},
                                                        {"--push-vapid-subject", "ops@example.org"},
                                                        {"--push-vapid-subject", "mailto:a\"b"},
                                                        {"--push-senders", "0"}}) {
    auto refused = ParseConfig(bad);
    ASSERT_FALSE(refused.ok()) << bad[0];
    EXPECT_NE(refused.status().message().find(bad[0].substr(2)), std::string::npos);
  }
}

// FCM and APNs: file names and ids only here; push::Providers::Load reads and checks the files
// at start-up (tests/push/providers_test.cc).
TEST(ConfigTest, PushProviderCredentialsAreFilesNamedInTheConfig) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->push.providers.fcm_service_account_file.empty());
  EXPECT_TRUE(defaults->push.providers.apns_key_file.empty());
  EXPECT_EQ(defaults->push.providers.fcm_url, "https://fcm.googleapis.com");
  EXPECT_EQ(defaults->push.providers.apns.base_url, "https://api.push.apple.com");
  auto config =
      ParseConfig({"--push-fcm-service-account", "/etc/parley/fcm.json", "--push-apns-key-file",
                   "/etc/parley/AuthKey.p8", "--push-apns-key-id", "ABC123DEFG",
                   "--push-apns-team-id", "TEAM123456", "--push-apns-topic", "org.example.app",
                   "--push-apns-url", "https://api.sandbox.push.apple.com"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->push.providers.fcm_service_account_file, "/etc/parley/fcm.json");
  EXPECT_EQ(config->push.providers.apns_key_file, "/etc/parley/AuthKey.p8");
  EXPECT_EQ(config->push.providers.apns.key_id, "ABC123DEFG");
  EXPECT_EQ(config->push.providers.apns.team_id, "TEAM123456");
  EXPECT_EQ(config->push.providers.apns.topic, "org.example.app");
  EXPECT_EQ(config->push.providers.apns.base_url, "https://api.sandbox.push.apple.com");
}

TEST(ConfigTest, RejectsBadValuesNamingTheKey) {
  const std::vector<std::vector<std::string>> bad = {
      {"--listen", "nowhere"},
      {"--listen", "127.0.0.1:99999"},
      {"--listen", "127.0.0.1:"},
      {"--io-threads", "0"},
      {"--io-threads", "two"},
      {"--io-threads", "2x"},
      {"--io-threads", "99999999999999999999999"},
      {"--fsync", "sometimes"},
      {"--no-such-key", "1"},
      {"--max-text-bytes"},
      {"positional"},
  };
  for (const auto& args : bad) {
    auto config = ParseConfig(args);
    ASSERT_FALSE(config.ok()) << args[0];
    EXPECT_EQ(config.status().code(), Code::kInvalidArgument);
  }
}

TEST(ConfigTest, TrustedProxiesAddUpFromFileAndCommandLine) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->server.proxy_trust.proxies.empty());
  EXPECT_EQ(defaults->server.proxy_trust.header, net::ForwardedHeader::kXForwardedFor);

  const std::string path = testing::TempDir() + "parley_proxy_config_test.conf";
  {
    std::ofstream file(path);
    file << "trusted-proxy = 10.0.0.0/8, fd00::/8\nforwarded-header = forwarded\n";
  }
  auto config = ParseConfig({"--config", path, "--trusted-proxy", "192.0.2.7",
                             "--trusted-proxy=198.51.100.0/24 2001:db8::/32"});
  std::remove(path.c_str());
  ASSERT_TRUE(config.ok()) << config.status().message();
  const auto& trust = config->server.proxy_trust;
  ASSERT_EQ(trust.proxies.size(), 5u);
  EXPECT_EQ(trust.proxies[0].network.to_string(), "10.0.0.0");
  EXPECT_EQ(trust.proxies[0].prefix_length, 8);
  EXPECT_EQ(trust.proxies[1].network.to_string(), "fd00::");
  EXPECT_EQ(trust.proxies[2].prefix_length, 32);
  EXPECT_EQ(trust.proxies[4].network.to_string(), "2001:db8::");
  EXPECT_EQ(trust.header, net::ForwardedHeader::kForwarded);

  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--trusted-proxy", ""},
                                             {"--trusted-proxy", ","},
                                             {"--trusted-proxy", "10.0.0.0/33"},
                                             {"--trusted-proxy", "proxy.example"},
                                             {"--trusted-proxy", "10.0.0.0/8,nonsense"},
                                             {"--forwarded-header", "x-real-ip"}}) {
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[1];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(bad[0].substr(2)), std::string::npos);
  }
}

TEST(ConfigTest, ReadsFileThenCommandLineWins) {
  const std::string path = testing::TempDir() + "parley_config_test.conf";
  {
    std::ofstream file(path);
    file << "# comment\n\nlisten = 127.0.0.2:7000\nsync-limit = 5\n";
  }
  auto config = ParseConfig({"--config", path, "--sync-limit", "9"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.host, "127.0.0.2");
  EXPECT_EQ(config->chat.sync_limit, 9);

  {
    std::ofstream file(path);
    file << "listen 127.0.0.1:1\n";
  }
  auto bad = ParseConfig({"--config", path});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(":1:"), std::string::npos);
  {
    std::ofstream file(path);
    file << std::string(10000, 'x') << "\n";
  }
  EXPECT_FALSE(ParseConfig({"--config", path}).ok());
  EXPECT_FALSE(ParseConfig({"--config", "/nonexistent/parley.conf"}).ok());
  std::remove(path.c_str());
}

TEST(ConfigTest, TlsSettingsGoTogether) {
  auto plain = ParseConfig({});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->server.tls_cert_file.empty());
  EXPECT_FALSE(plain->server.http_redirect.has_value());
  EXPECT_EQ(plain->server.hsts_max_age_s, 31536000);

  auto tls = ParseConfig({"--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--http-redirect-listen",
                          "[::]:80", "--hsts-max-age-s", "0"});
  ASSERT_TRUE(tls.ok()) << tls.status().message();
  EXPECT_EQ(tls->server.tls_cert_file, "/c.pem");
  EXPECT_EQ(tls->server.tls_key_file, "/k.pem");
  ASSERT_TRUE(tls->server.http_redirect.has_value());
  EXPECT_EQ(tls->server.http_redirect->host, "::");
  EXPECT_EQ(tls->server.http_redirect->port, 80);
  EXPECT_EQ(tls->server.hsts_max_age_s, 0);

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--tls-cert", "/c.pem"},
           {"--tls-key", "/k.pem"},
           {"--tls-cert", ""},
           {"--http-redirect-listen", "127.0.0.1:80"},
           {"--tls-cert", "/c", "--tls-key", "/k", "--http-redirect-listen", "nope"},
           {"--hsts-max-age-s", "-1"}}) {
    auto config = ParseConfig(bad);
    ASSERT_FALSE(config.ok()) << bad[0];
    EXPECT_EQ(config.status().code(), Code::kInvalidArgument);
  }
}

TEST(ConfigTest, LogFormat) {
  auto plain = ParseConfig({});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->log_format, LogFormat::kText);
  auto json = ParseConfig({"--log-format", "json"});
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->log_format, LogFormat::kJson);
  for (const char* bad : {"", "JSON", "xml", "json "}) {
    auto config = ParseConfig({"--log-format", bad});
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.status().message().find("log-format"), std::string::npos);
  }
}

TEST(ConfigTest, MetricsSettings) {
  auto plain = ParseConfig({});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->server.metrics_token.empty());
  EXPECT_FALSE(plain->server.metrics_listen.has_value());

  auto set = ParseConfig(
      {"--metrics-token", "abcdefghijklmnop-._~+/=", "--metrics-listen", "127.0.0.1:9100"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->server.metrics_token, "abcdefghijklmnop-._~+/=");
  ASSERT_TRUE(set->server.metrics_listen.has_value());
  EXPECT_EQ(set->server.metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(set->server.metrics_listen->port, 9100);

  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--metrics-token", ""},
                                             {"--metrics-token", "short"},
                                             {"--metrics-token", std::string(257, 'a')},
                                             {"--metrics-token", "has a space in it ok"},
                                             {"--metrics-token", "newline\ninside-the-token"},
                                             {"--metrics-token", "quote\"inside-the-token"},
                                             {"--metrics-listen", "9100"},
                                             {"--metrics-listen", "127.0.0.1:65536"},
                                             {"--metrics-listen", "127.0.0.1:"}}) {
    auto config = ParseConfig(bad);
    ASSERT_FALSE(config.ok()) << bad[1];
    EXPECT_EQ(config.status().code(), Code::kInvalidArgument);
    EXPECT_NE(config.status().message().find(bad[0].substr(2)), std::string::npos)
        << config.status().message();
  }
}

TEST(ConfigTest, XmppSettings) {
  auto plain = ParseConfig({});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->xmpp.enabled);  // off unless asked for
  EXPECT_EQ(plain->xmpp.c2s.domain, "localhost");

  auto set = ParseConfig({"--xmpp-listen", "0.0.0.0:5222", "--xmpp-domain", "chat.example.org"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_TRUE(set->xmpp.enabled);
  EXPECT_EQ(set->xmpp.host, "0.0.0.0");
  EXPECT_EQ(set->xmpp.port, 5222);
  EXPECT_EQ(set->xmpp.c2s.domain, "chat.example.org");
  EXPECT_EQ(set->xmpp.max_connections, 10000u);
  EXPECT_EQ(set->xmpp.max_connections_per_address, 100u);

  auto caps =
      ParseConfig({"--xmpp-max-connections", "6000", "--xmpp-max-connections-per-address", "5500"});
  ASSERT_TRUE(caps.ok()) << caps.status().message();
  EXPECT_EQ(caps->xmpp.max_connections, 6000u);
  EXPECT_EQ(caps->xmpp.max_connections_per_address, 5500u);
  EXPECT_EQ(set->xmpp.c2s.resume_timeout_s, 300);
  auto resume = ParseConfig({"--xmpp-resume-timeout-s", "0"});
  ASSERT_TRUE(resume.ok()) << resume.status().message();
  EXPECT_EQ(resume->xmpp.c2s.resume_timeout_s, 0);
  EXPECT_EQ(set->xmpp.c2s.upload_base_url, "") << "filled at start-up (public-url, the listener)";
  auto upload = ParseConfig({"--xmpp-upload-url", "https://chat.example.org/parley"});
  ASSERT_TRUE(upload.ok()) << upload.status().message();
  EXPECT_EQ(upload->xmpp.c2s.upload_base_url, "https://chat.example.org/parley");

  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--xmpp-listen", "5222"},
                                             {"--xmpp-max-connections", "0"},
                                             {"--xmpp-max-connections-per-address", "0"},
                                             {"--xmpp-max-connections", "many"},
                                             {"--xmpp-resume-timeout-s", "-1"},
                                             {"--xmpp-resume-timeout-s", "86401"},
                                             {"--xmpp-upload-url", "chat.example.org"},
                                             {"--xmpp-upload-url", "https://chat.example.org/"},
                                             {"--xmpp-upload-url", "https://a b"},
                                             {"--xmpp-upload-url", "https://chat.example.org?x"},
                                             {"--xmpp-upload-url", "ftp://chat.example.org"},
                                             {"--xmpp-listen", "127.0.0.1:70000"},
                                             {"--xmpp-domain", ""},
                                             {"--xmpp-domain", "Chat.Example.org"},
                                             {"--xmpp-domain", "a b"},
                                             {"--xmpp-domain", "user@example.org"},
                                             {"--xmpp-domain", ".example.org"},
                                             {"--xmpp-domain", std::string(254, 'a')}}) {
    auto config = ParseConfig(bad);
    ASSERT_FALSE(config.ok()) << bad[1];
    EXPECT_EQ(config.status().code(), Code::kInvalidArgument);
    EXPECT_NE(config.status().message().find(bad[0].substr(2)), std::string::npos)
        << config.status().message();
  }
}

TEST(ConfigTest, SmtpSettings) {
  auto smtp = ParseConfig({"--smtp-url", "smtp://mail.example.org:587", "--smtp-from",
                           "parley@example.org", "--smtp-username", "parley", "--smtp-password",
                           "pw with spaces", "--smtp-queue", "10"});
  ASSERT_TRUE(smtp.ok()) << smtp.status().message();
  EXPECT_EQ(smtp->smtp.url, "smtp://mail.example.org:587");
  EXPECT_EQ(smtp->smtp.from, "parley@example.org");
  EXPECT_EQ(smtp->smtp.password, "pw with spaces");
  EXPECT_EQ(smtp->smtp.queue_limit, 10u);
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--smtp-url", "http://mail.example.org"},
           {"--smtp-url", "smtp://mail.example.org"},  // no sender
           {"--smtp-from", "not an address"},
           {"--smtp-test-to", "a@b.org"},  // no server
           {"--smtp-queue", "0"}}) {
    EXPECT_FALSE(ParseConfig(bad).ok()) << bad[0] << " " << bad[1];
  }
}

TEST(ConfigTest, SecretKeyFileAndRotation) {
  auto defaults = ParseConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->secret_key_file, "");  // <data-dir>/secret.key
  EXPECT_EQ(defaults->rotate_secret_key_to, "");
  auto config = ParseConfig({"--secret-key-file", "/etc/parley/secret.key", "--rotate-secret-key",
                             "/etc/parley/secret.key.new"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->secret_key_file, "/etc/parley/secret.key");
  EXPECT_EQ(config->rotate_secret_key_to, "/etc/parley/secret.key.new");
  EXPECT_FALSE(ParseConfig({"--secret-key-file", ""}).ok());
  EXPECT_FALSE(ParseConfig({"--rotate-secret-key", ""}).ok());
}

TEST(ConfigTest, EmailLinkSettings) {
  auto config = ParseConfig({"--public-url", "https://chat.example.org/parley",
                             "--reset-token-lifetime-s", "600", "--verify-token-lifetime-s", "60"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->email.public_url, "https://chat.example.org/parley");
  EXPECT_EQ(config->email.reset_lifetime_ms, 600'000);
  EXPECT_EQ(config->email.verify_lifetime_ms, 60'000);
  EXPECT_EQ(ParseConfig({})->email.reset_lifetime_ms, 30 * 60'000);
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--public-url", ""},
           {"--public-url", "chat.example.org"},
           {"--public-url", "ftp://chat.example.org"},
           {"--public-url", "https://chat.example.org/"},
           {"--public-url", "https://chat.example.org/#x"},
           {"--public-url", "https://chat.example.org?a=b"},
           {"--public-url", "https://chat.example.org\r\nBcc: x@evil.org"},
           {"--public-url", "https://" + std::string(300, 'a') + ".org"},
           {"--reset-token-lifetime-s", "0"},
           {"--reset-token-lifetime-s", "86401"},
           {"--verify-token-lifetime-s", "-5"},
           {"--verify-token-lifetime-s", "soon"}}) {
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[0] << " " << bad[1];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  }
}

TEST(ConfigTest, MediaStoreSettings) {
  EXPECT_FALSE(ParseConfig({})->media_store.s3);
  const std::vector<std::string> s3 = {"--media-store", "s3", "--s3-endpoint", "http://127.0.0.1:9000",
                                       "--s3-bucket", "media", "--s3-access-key", "AK",
                                       "--s3-secret-key-file", "/etc/parley/s3-secret"};
  auto config = ParseConfig(s3);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->media_store.s3);
  EXPECT_EQ(config->media_store.s3_options.bucket, "media");
  EXPECT_EQ(config->media_store.s3_options.credentials.region, "us-east-1");
  EXPECT_FALSE(config->media.redirect_downloads);
  std::vector<std::string> redirect = s3;
  redirect.insert(redirect.end(), {"--s3-downloads", "redirect", "--s3-part-bytes", "5242880"});
  ASSERT_TRUE(ParseConfig(redirect).ok());
  std::vector<std::string> trailing_slash = s3;
  trailing_slash.insert(trailing_slash.end(), {"--s3-endpoint", "https://[::1]:9000/"});
  EXPECT_TRUE(ParseConfig(trailing_slash).ok());
  EXPECT_TRUE(ParseConfig(redirect)->media.redirect_downloads);
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--media-store", "s3"},  // without its settings
           {"--media-store", "ftp"},
           {"--s3-downloads", "redirect"},  // local media have no URLs
           {"--s3-downloads", "teleport"},
           {"--s3-part-bytes", "1024"},  // under S3's 5 MiB smallest part
           {"--s3-path-style", "maybe"},
           {"--s3-bucket", ""},
           {"--s3-timeout-s", "0"}}) {
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[0] << " " << bad[1];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  }
  // The endpoint's origin goes into the web app's policy as it is: nothing but a scheme and a
  // plain host; the bucket may become part of a host name.
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"--s3-endpoint", "127.0.0.1:9000"},
           {"--s3-endpoint", "ftp://127.0.0.1:9000"},
           {"--s3-endpoint", "https://s3.example.com/path"},
           {"--s3-endpoint", "https://s3.example.com; script-src *"},
           {"--s3-endpoint", "https://user@s3.example.com"},
           {"--s3-endpoint", "https://"},
           {"--s3-bucket", "Media"},
           {"--s3-bucket", "me"},
           {"--s3-bucket", "media bucket"},
           {"--s3-bucket", "media/other"}}) {
    std::vector<std::string> bad = s3;
    bad.insert(bad.end(), {key, value});
    auto parsed = ParseConfig(bad);
    ASSERT_FALSE(parsed.ok()) << bad[0] << " " << bad[1];
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  }
}

TEST(ConfigTest, OidcProviders) {
  const std::string secret = testing::TempDir() + "parley_oidc_secret";
  std::ofstream(secret) << "s3cret\n";
  const std::string empty = testing::TempDir() + "parley_oidc_empty_secret";
  std::ofstream(empty) << "\n";
  const std::vector<std::string> corp = {
      "--public-url",           "https://chat.example.org", "--oidc-provider", "corp",
      "--oidc.corp.issuer",     "https://login.example.com", "--oidc.corp.client-id", "parley",
      "--oidc.corp.client-secret-file", secret};
  auto config = ParseConfig(corp);
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_EQ(config->oidc.providers.size(), 1u);
  EXPECT_EQ(config->oidc.providers[0].client_secret, "s3cret");
  EXPECT_EQ(config->oidc.providers[0].display_name, "corp");
  EXPECT_EQ(config->oidc.public_url, "https://chat.example.org");

  // Each refusal names the key.
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"--oidc-provider", "Bad Name"}, "'oidc-provider'"},
      {{"--oidc.ghost.issuer", "https://x.example"}, "'oidc.ghost.issuer'"},
      {{"--oidc.corp.color", "red"}, "unknown config key 'oidc.corp.color'"},
      {{"--oidc.corp.issuer", "ftp://x"}, "'oidc.corp.issuer'"},
      {{"--oidc.corp.issuer", "http://login.example.com"}, "'oidc.corp.issuer'"},
      {{"--oidc.corp.scopes", "profile email"}, "'oidc.corp.scopes'"},
      {{"--oidc.corp.token-auth", "private_key_jwt"}, "'oidc.corp.token-auth'"},
      {{"--oidc.corp.client-secret-file", empty}, "'oidc.corp.client-secret-file'"},
      {{"--oidc.corp.client-secret-file", "/nonexistent/secret"}, "cannot be read"},
      {{"--oidc-provider", "corp"}, "declared twice"},
  };
  for (const auto& [extra, expected] : refused) {
    std::vector<std::string> args = corp;
    args.insert(args.end(), extra.begin(), extra.end());
    auto result = ParseConfig(args);
    ASSERT_FALSE(result.ok()) << expected;
    EXPECT_NE(result.status().message().find(expected), std::string::npos)
        << result.status().message();
  }
  auto no_issuer = ParseConfig({"--public-url", "https://chat.example.org", "--oidc-provider", "x"});
  ASSERT_FALSE(no_issuer.ok());
  EXPECT_NE(no_issuer.status().message().find("'oidc.x.issuer': is required"), std::string::npos);
  auto no_url = ParseConfig(std::vector<std::string>(corp.begin() + 2, corp.end()));
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.status().message().find("needs public-url"), std::string::npos);
  std::remove(secret.c_str());
  std::remove(empty.c_str());
}

}  // namespace
}  // namespace parley::app
