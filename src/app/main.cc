// parleyd: wires the modules together and runs the server until SIGINT or SIGTERM. SIGHUP
// reloads the TLS certificate and key.
//
// Stopping (docs/architecture.md, "Shutdown"): the first SIGINT/SIGTERM starts a graceful stop:
// no new connections, new HTTP requests 503, new sends `unavailable`; the sends already queued
// commit and their acks are queued; every WebSocket is closed with 1001 after its queued frames;
// then the workers stop, the writer commits what is left, the WAL is checkpointed and parleyd
// exits 0, within --shutdown-timeout. A second signal exits at once with status 1.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "account/account_deletion.h"
#include "account/admin_service.h"
#include "account/email_service.h"
#include "account/export_service.h"
#include "account/two_factor_keys.h"
#include "account/two_factor_service.h"
#include "app/backup_command.h"
#include "app/backup_schedule.h"
#include "app/config.h"
#include "app/media_command.h"
#include "app/media_store.h"
#include "app/migrate_command.h"
#include "app/readiness.h"
#include "auth/auth_service.h"
#include "base/clock.h"
#include "base/log.h"
#include "chat/fanout/counting_sink.h"
#include "chat/fanout/hub.h"
#include "chat/fanout/push_sink.h"
#include "chat/groups/groups.h"
#include "chat/media/media_cleanup.h"
#include "chat/media/media_service.h"
#include "chat/media/stickers.h"
#include "chat/media/upload_slots.h"
#include "chat/messaging/digest_source.h"
#include "chat/messaging/message_writer.h"
#include "chat/messaging/pruner.h"
#include "chat/messaging/retention.h"
#include "chat/messaging/search_indexer.h"
#include "chat/notices/moderation.h"
#include "chat/notices/notices.h"
#include "chat/notices/reports.h"
#include "chat/service.h"
#include "chat/social/moments.h"
#include "chat/social/social.h"
#include "cluster/cluster_node.h"
#include "cluster/redis_address.h"
#include "cluster/redis_buckets.h"
#include "cluster/redis_entries.h"
#include "cluster/redis_failures.h"
#include "cluster/redis_pool.h"
#include "mail/smtp_mailer.h"
#include "media/blob_store.h"
#include "media/image.h"
#include "media/s3_client.h"
#include "metrics/metrics.h"
#include "metrics/server_metrics.h"
#include "net/server.h"
#include "oidc/oidc_service.h"
#include "proto/group_bodies.h"
#include "push/delivery_store.h"
#include "push/digest.h"
#include "push/http_client.h"
#include "push/outbox.h"
#include "push/providers.h"
#include "push/push_store.h"
#include "push/registry.h"
#include "push/web_push_crypto.h"
#include "push/web_push_sender.h"
#include "push/webhook_sender.h"
#include "store/store.h"
#include "tls/context.h"
#include "xmpp/xmpp_server.h"

namespace parley::app {
namespace {

// Closes the WebSockets of devices whose tokens were revoked, on every node of a cluster, and
// removes their push targets.
class CloseRevokedDevices : public auth::RevocationListener {
 public:
  // `cluster`: null on a single node.
  CloseRevokedDevices(chat::Hub& hub, cluster::ClusterNode* cluster, push::Registry& push)
      : hub_(hub), cluster_(cluster), push_(push) {}
  void OnDeviceRevoked(int64_t user_id, int64_t device_id) override {
    if (cluster_ != nullptr) {
      cluster_->CloseDevice(user_id, device_id, chat::CloseReason::kUnauthenticated);
    } else {
      hub_.CloseDevice(user_id, device_id, chat::CloseReason::kUnauthenticated);
    }
    push_.DeviceRevoked(device_id);
  }
  void OnOtherDevicesRevoked(int64_t user_id, int64_t kept_device_id) override {
    if (cluster_ != nullptr) {
      cluster_->CloseOtherDevices(user_id, kept_device_id, chat::CloseReason::kUnauthenticated);
    } else {
      hub_.CloseOtherDevices(user_id, kept_device_id, chat::CloseReason::kUnauthenticated);
    }
    push_.OtherDevicesRevoked(user_id, kept_device_id);
  }

 private:
  chat::Hub& hub_;
  cluster::ClusterNode* cluster_;
  push::Registry& push_;
};

// The store the configuration names: PostgreSQL if --postgres is set, else
// <data-dir>/parley.db. The connection string is never logged (it may hold a password).
Result<std::unique_ptr<store::Store>> OpenConfiguredStore(const Config& config) {
  if (!config.postgres.empty()) return store::OpenPostgresStore({config.postgres});
  store::SqliteOptions options;
  options.path = (std::filesystem::path(config.data_dir) / "parley.db").string();
  options.synchronous_full = config.fsync_every_commit;
  return store::OpenSqliteStore(options);
}

int Fail(const Status& status) {
  Log(LogLevel::kError, "startup_failed",
      {{"code", std::string(CodeName(status.code()))}, {"reason", status.message()}});
  return 1;
}

// --rotate-secret-key NEW_FILE: reseals every stored secret (two-step sign-in seeds, push
// targets' secrets, the VAPID key file) under the key in NEW_FILE.
int RotateSecretKey(store::Store& store, push::PushStore& push_store, const std::string& vapid_file,
                    const auth::SecretBox& old_key, const Config& config) {
  auto new_key = auth::SecretBox::LoadOrCreate(config.rotate_secret_key_to);
  if (!new_key.ok()) return Fail(new_key.status());
  auto seeds = account::ResealSecrets(store, old_key, **new_key);
  if (!seeds.ok()) return Fail(seeds.status());
  auto targets = push_store.ResealSecrets(**new_key);
  if (!targets.ok()) return Fail(targets.status());
  auto vapid = push::VapidKey::ResealFile(vapid_file, old_key, **new_key);
  if (!vapid.ok()) return Fail(vapid.status());
  std::printf(
      "parleyd: resealed under %s: %lld two-step sign-in seeds, %lld push targets' secrets, "
      "%d VAPID key; start parleyd with --secret-key-file %s (or move it over the old key "
      "file)\n",
      config.rotate_secret_key_to.c_str(), static_cast<long long>(*seeds),
      static_cast<long long>(*targets), *vapid ? 1 : 0, config.rotate_secret_key_to.c_str());
  return 0;
}

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every thread it starts
// afterwards (a thread inherits its creator's mask), so only the thread that sigwaits for them
// takes them.
sigset_t BlockSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Main(int argc, char** argv) {
  // First, before any library starts a thread (SQLite's checkpointer, libvips' workers).
  const sigset_t signals = BlockSignals();
  signal(SIGPIPE, SIG_IGN);
  // Keep freed memory instead of trimming it back to the kernel after every burst: the writer
  // thread's arena otherwise pays an madvise syscall per batch.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  if (argc > 1 && IsBackupCommand(argv[1])) {
    return RunBackupCommand(argv[1], std::vector<std::string>(argv + 2, argv + argc));
  }
  if (argc > 1 && IsMigrateCommand(argv[1])) {
    return RunMigrateCommand(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (argc > 1 && IsMediaCommand(argv[1])) {
    return RunMediaCommand(std::vector<std::string>(argv + 2, argv + argc));
  }
  auto config = ParseConfig(std::vector<std::string>(argv + 1, argv + argc));
  if (!config.ok()) {
    std::fprintf(stderr, "parleyd: %s\n(see parleyd --help)\n", config.status().message().c_str());
    return 2;
  }
  SetLogFormat(config->log_format);  // before anything logs
  if (config->show_help) {
    std::fputs(ConfigHelp().c_str(), stdout);
    return 0;
  }

  if (!config->smtp_test_to.empty()) {
    // The operator's check of the smtp-* settings: one mail, sent now, then exit.
    const Status sent = mail::SendOverSmtp(
        config->smtp, mail::Mail{config->smtp_test_to, "Parley test mail",
                                 "This mail was sent by parleyd --smtp-test-to.\n"});
    std::printf("parleyd: test mail to %s: %s\n", config->smtp_test_to.c_str(),
                sent.ok() ? "sent" : sent.message().c_str());
    return sent.ok() ? 0 : 1;
  }

  // Metrics (docs/operations.md, "Metrics"): the modules record into server_metrics; GET
  // /metrics shows the registry. Declared first, so it outlives everything that records.
  metrics::Registry metrics_registry;
  metrics::ServerMetrics server_metrics(metrics_registry);
  config->writer.metrics = &server_metrics;
  config->chat.metrics = &server_metrics;
  config->push.outbox.metrics = &server_metrics;
  config->push.outbox.lease_ms = push::Outbox::LeaseMsFor(config->push.http.timeout_ms);
  // In a cluster (--redis), the rate limits, the delays after failures and the short-lived
  // sign-in steps (2FA challenges, OpenID Connect flows and tickets, identity confirmations,
  // admin setup tokens) hold across the nodes: they are in Redis (cluster/redis_pool.h), each
  // node's own only while Redis does not answer, so no sticky balancer is needed. The services
  // share them below, before requests are served.
  std::unique_ptr<cluster::RedisPool> shared_pool;
  std::unique_ptr<cluster::RedisBuckets> shared_limits;
  std::unique_ptr<cluster::RedisFailures> shared_failures;
  std::unique_ptr<cluster::RedisEntries> shared_entries;
  if (!config->redis.empty()) {
    cluster::RedisPoolOptions pool_options;
    pool_options.address = *cluster::ParseRedisAddress(config->redis);  // validated
    shared_pool = std::make_unique<cluster::RedisPool>(pool_options);
    // Keys begin with the channel's name: one cluster's state, not another's.
    shared_limits = std::make_unique<cluster::RedisBuckets>(*shared_pool, config->redis_channel);
    shared_failures = std::make_unique<cluster::RedisFailures>(*shared_pool, config->redis_channel);
    shared_entries = std::make_unique<cluster::RedisEntries>(*shared_pool, config->redis_channel);
    const cluster::RedisPool& pool = *shared_pool;
    metrics_registry.AddCounterFunction(
        "parley_shared_limit_fallbacks_total",
        "Shared-state steps (rate limits, failure delays, sign-in steps) this node answered "
        "alone because Redis did not answer in time.",
        {}, [&pool] { return double(pool.stats().fallbacks); });
    metrics_registry.AddCounterFunction(
        "parley_shared_limit_outages_total",
        "Times Redis stopped answering this node's shared-state steps.", {},
        [&pool] { return double(pool.stats().outages); });
  }

  std::error_code fs_error;
  std::filesystem::create_directories(config->data_dir, fs_error);
  if (fs_error)
    return Fail(Status(Code::kUnavailable, "cannot create data dir: " + fs_error.message()));
  auto store = OpenConfiguredStore(*config);
  if (!store.ok()) return Fail(store.status());
  // Stored secrets (two-step sign-in seeds, push targets' secrets, the VAPID key) are sealed
  // under the key file; a key that does not open them stops the start
  // (account/two_factor_keys.h, push/push_store.h).
  const std::string key_file =
      config->secret_key_file.empty()
          ? (std::filesystem::path(config->data_dir) / "secret.key").string()
          : config->secret_key_file;
  auto secret_key = auth::SecretBox::LoadOrCreate(key_file);
  if (!secret_key.ok()) return Fail(secret_key.status());
  // The seeds' check comes before push.db opens: opening it seals clear rows left by older
  // servers, which only a key that fits may do.
  if (config->rotate_secret_key_to.empty()) {
    if (Status s = account::CheckSecretKey(**store, **secret_key); !s.ok()) {
      return Fail(Status(s.code(), s.message() + " (key file " + key_file + ")"));
    }
  }
  // Push notifications: targets and the outbox in <data-dir>/push.db, or with --postgres in
  // that database's `push` schema, shared by every node (push/push_db.h); the VAPID key in
  // the data dir; their secrets are sealed under the same key file.
  const std::filesystem::path data_dir(config->data_dir);
  const push::PushDbOptions push_db{(data_dir / "push.db").string(), config->fsync_every_commit,
                                    config->postgres};
  auto push_store = push::PushStore::Open(push_db, **secret_key);
  if (!push_store.ok()) return Fail(push_store.status());
  const std::string vapid_file = config->push.vapid_key_file.empty()
                                     ? (data_dir / "vapid_private.pem").string()
                                     : config->push.vapid_key_file;
  if (!config->rotate_secret_key_to.empty()) {
    return RotateSecretKey(**store, **push_store, vapid_file, **secret_key, *config);
  }
  if (Status s = (*push_store)->CheckKey(); !s.ok()) {
    return Fail(Status(s.code(), s.message() + " (key file " + key_file + ")"));
  }
  if (!config->admin_username.empty()) {
    // Names an admin; without one, the setup token printed below makes the first.
    auto admin = (*store)->FindUserByName(config->admin_username);
    if (!admin.ok()) return Fail(Status(admin.status().code(), "--admin: no such user"));
    if (Status s = (*store)->SetAdmin(admin->id, true); !s.ok()) return Fail(s);
  }

  chat::MediaOptions media_options = config->media;
  if (media_options.media_dir.empty()) {
    media_options.media_dir = (std::filesystem::path(config->data_dir) / "media").string();
  }
  auto blobs = OpenBlobStore(*config, ConfiguredBackend(*config), media_options.media_dir);
  if (!blobs.ok()) return Fail(blobs.status());
  if (Status s = media::InitImageProcessing(); !s.ok()) return Fail(s);

  auto deliveries = push::DeliveryStore::Open(push_db);
  if (!deliveries.ok()) return Fail(deliveries.status());
  config->push.outbox.deliveries = deliveries->get();
  // E-mail digests need a server that sends mail.
  config->push.registry.digest_after_ms =
      config->smtp.url.empty() ? 0 : config->push.digest.after_ms;
  auto vapid = push::VapidKey::LoadOrCreate(vapid_file, **secret_key);
  if (!vapid.ok()) {
    return Fail(
        Status(vapid.status().code(), vapid.status().message() + " (key file " + key_file + ")"));
  }
  config->push.registry.vapid_public_key = (*vapid)->public_key_base64url();
  push::HttpClient push_http(config->push.http);
  push::WebPushSender web_push(**vapid, push_http, config->push.vapid_subject,
                               config->push.ttl_seconds);
  push::WebhookSender webhook(push_http);
  store::Store& names = **store;
  auto providers = push::Providers::Load(
      config->push.providers, push_http, config->push.http.allow_private, config->push.ttl_seconds,
      [&names](int64_t user_id) -> int64_t {  // the app icon's badge: unread messages
        auto conversations = names.ListConversations(user_id);
        int64_t unread = 0;
        if (conversations.ok()) {
          for (const store::ConversationSummary& c : *conversations) unread += c.unread;
        }
        return unread;
      });
  if (!providers.ok()) return Fail(providers.status());
  std::map<push::Provider, push::Sender*> push_senders = {{push::Provider::kWebPush, &web_push},
                                                          {push::Provider::kWebhook, &webhook}};
  if ((*providers)->fcm() != nullptr) push_senders[push::Provider::kFcm] = (*providers)->fcm();
  if ((*providers)->apns() != nullptr) push_senders[push::Provider::kApns] = (*providers)->apns();
  config->push.registry.fcm_enabled = (*providers)->fcm() != nullptr;
  config->push.registry.apns_enabled = (*providers)->apns() != nullptr;
  push::Outbox outbox(
      **push_store, push_senders,
      [&names](int64_t user_id) -> std::string {
        auto user = names.FindUserById(user_id);
        if (!user.ok()) return "Someone";
        return user->display_name.empty() ? user->username : user->display_name;
      },
      config->push.outbox,
      [&names](int64_t user_id) -> std::string {
        auto user = names.FindUserById(user_id);
        return user.ok() ? user->time_zone : std::string();
      },
      [&names](int64_t conversation_id) -> std::string {
        auto group = names.FindGroup(conversation_id);  // kNotFound for direct conversations
        return group.ok() ? group->name : std::string();
      });
  push::Registry push_registry(**push_store, **deliveries, config->push.registry);

  chat::Hub hub;
  // In a cluster (--redis), the domain's events go to the other nodes too (cluster/cluster_node.h).
  std::unique_ptr<cluster::ClusterNode> cluster_node;
  if (!config->redis.empty()) {
    cluster::ClusterOptions cluster_options;
    cluster_options.bus.address = *cluster::ParseRedisAddress(config->redis);  // validated
    cluster_options.bus.channel = config->redis_channel;
    cluster_node = std::make_unique<cluster::ClusterNode>(hub, cluster_options);
  }
  chat::EventSink& delivery = cluster_node ? static_cast<chat::EventSink&>(*cluster_node) : hub;
  // What the domain publishes goes to the devices; who it did not reach, to the outbox.
  chat::NotifyingSink notifying(delivery, outbox);
  chat::CountingSink events(notifying, server_metrics);  // errors answered, by code
  CloseRevokedDevices close_revoked(hub, cluster_node.get(), push_registry);
  auth::AuthService auth(**store, config->auth);
  auth.SetRevocationListener(&close_revoked);
  if (shared_entries) auth.ShareSignIn(shared_entries.get(), shared_failures.get());
  auto setup_token = auth.admin_setup().OpenIfNoAdmin(NowMillis());
  if (!setup_token.ok()) return Fail(setup_token.status());
  // Outgoing mail (verification, password reset) when smtp-url is set.
  std::unique_ptr<mail::SmtpMailer> mailer;
  if (!config->smtp.url.empty()) {
    auto started = mail::SmtpMailer::Start(config->smtp);
    if (!started.ok()) return Fail(started.status());
    mailer = std::move(*started);
  }
  account::EmailService email(**store, auth, mailer.get(), config->email);
  account::TwoFactorService two_factor(**store, auth, **secret_key, config->two_factor);
  auth.SetSecondFactorGate(&two_factor);
  // Signing in with OpenID Connect when providers are configured (oidc/oidc_service.h).
  std::unique_ptr<oidc::OidcService> oidc;
  if (!config->oidc.providers.empty()) {
    oidc = std::make_unique<oidc::OidcService>(**store, auth, config->oidc);
  }
  chat::MessageWriter writer(**store, config->writer);
  // The domain publishes typed events to the hub, which encodes them per protocol.
  chat::Service chat(**store, events, writer, config->chat);
  chat::SearchIndexer search_indexer(**store, std::chrono::milliseconds(250));
  chat::Notices notices(**store, writer, events, config->chat.max_text_bytes);
  chat::Groups groups(**store, events, writer, config->groups);
  chat::Social social(**store, events, writer, config->social);
  chat::Moments moments(**store, events, writer);
  chat::Stickers stickers(**store, writer);
  // E-mail digests of what offline users missed, for those who asked (push/digest.h).
  chat::StoreDigestSource digest_source(**store, social);
  std::unique_ptr<push::DigestMailer> digests;
  if (mailer) {
    config->push.digest.public_url = config->email.public_url;
    config->push.digest.server_preview = config->push.outbox.server_preview;
    digests = std::make_unique<push::DigestMailer>(**deliveries, **push_store, digest_source,
                                                   *mailer, config->push.digest);
  }
  chat::MediaService media(**store, writer, **blobs, media_options);
  // XEP-0363 upload slots for XMPP clients: capability URLs signed with the secret key
  // (chat/media/upload_slots.h), served by the HTTP listener when XMPP is on.
  const auth::SecretBox& slot_key = **secret_key;
  chat::UploadSlots upload_slots(**store, media,
                                 [&slot_key](std::string_view message, std::string_view context) {
                                   return slot_key.Mac(message, context);
                                 });
  chat::MediaCleanup media_cleanup(media,
                                   std::chrono::milliseconds(config->media_cleanup_interval_ms));
  // Retention policies and the pruner (chat/messaging/pruner.h), beside the traffic, in small
  // batches.
  chat::Retention retention(**store, writer, config->retention);
  chat::Pruner pruner(**store, config->retention, &NowMillis);
  // Users' data exports (account/export_service.h) in <data-dir>/exports, and deletion.
  config->exports.dir = (data_dir / "exports").string();
  account::ExportService exports(**store, chat, **blobs, config->exports);
  account::AccountDeletion deletion(**store, auth, two_factor, groups, media, exports,
                                    push_registry);
  // Administration (account/admin_service.h) and users' reports of messages and users.
  chat::Moderation moderation(writer, events);
  account::AdminService admin(**store, auth, deletion, notices, moderation, hub, groups);
  chat::Reports reports(**store);
  if (shared_limits) {
    SharedBuckets* shared = shared_limits.get();
    auth.ShareLimits(shared);
    email.ShareLimits(shared);
    two_factor.ShareLimits(shared);
    two_factor.ShareSignIn(shared_entries.get(), shared_failures.get());
    if (oidc) oidc->ShareLimits(shared);
    if (oidc) oidc->ShareSignIn(shared_entries.get());
    groups.ShareLimits(shared);
    social.ShareLimits(shared);
    moments.ShareLimits(shared);
    reports.ShareLimits(shared);
  }
  // Scheduled backups (app/backup_schedule.h), beside the traffic, from their own connections.
  std::unique_ptr<BackupSchedule> backups;
  if (!config->backup.dir.empty()) {
    backups = std::make_unique<BackupSchedule>(config->backup, DataPathsOf(*config), **blobs);
  }
  // /readyz: the data dir takes a synced write and the writer commits (app/readiness.h).
  Readiness readiness(writer, config->data_dir);
  // Media downloads redirected to the bucket: the web app's policy must let it fetch there.
  if (config->media.redirect_downloads) {
    config->server.media_origin = media::BucketOrigin(config->media_store.s3_options);
  }
  // The XMPP front door, made once the server's event loops exist (below). Its WebSocket
  // endpoint (/xmpp-websocket, RFC 7395) is on whenever XMPP is: the HTTP server hands it
  // those upgrades.
  // An upgrade may come on an I/O thread before the XMPP server exists: it is published to
  // them once started (and the event loops have ended before it is destroyed).
  std::unique_ptr<xmpp::XmppServer> xmpp_server;
  std::atomic<xmpp::XmppServer*> xmpp_serving{nullptr};
  net::WebSocketHandler xmpp_websocket;
  if (config->xmpp.enabled) {
    xmpp_websocket = [&xmpp_serving](net::WebSocketHandoff& handoff) {
      xmpp::XmppServer* serving = xmpp_serving.load(std::memory_order_acquire);
      if (serving == nullptr) return Status(Code::kUnavailable, "XMPP is starting; retry later");
      return serving->TakeWebSocket(handoff);
    };
  }
  net::Server server(config->server, net::Services{auth,
                                                   chat,
                                                   groups,
                                                   hub,
                                                   notices,
                                                   social,
                                                   media,
                                                   push_registry,
                                                   email,
                                                   two_factor,
                                                   moments,
                                                   [&readiness] { return readiness.Check(); },
                                                   &server_metrics,
                                                   &metrics_registry,
                                                   &exports,
                                                   &deletion,
                                                   oidc.get(),
                                                   &admin,
                                                   &reports,
                                                   retention,
                                                   &stickers,
                                                   xmpp_websocket,
                                                   config->xmpp.enabled ? &upload_slots : nullptr});
  // The cluster joins once the hub has its slices (the server made them above; the bus hands
  // other nodes' events to them) and before any device connects (server.Start, below).
  if (cluster_node) {
    if (Status joined = cluster_node->Start(social.presence_tracker()); !joined.ok()) {
      return Fail(joined);
    }
  }
  // What the modules keep themselves, read at each scrape.
  metrics_registry.AddGaugeFunction("parley_connections", "Open TCP connections.", {},
                                    [&server] { return double(server.open_connections()); });
  metrics_registry.AddGaugeFunction("parley_sessions",
                                    "Client sessions attached to the hub (WebSocket and XMPP).", {},
                                    [&hub] { return double(hub.online_peer_count()); });
  metrics_registry.AddGaugeFunction("parley_writer_queue_depth",
                                    "Commands waiting for the message writer.", {},
                                    [&writer] { return double(writer.queue_depth()); });
  metrics_registry.AddGaugeFunction(
      "parley_search_index_lag_seconds", "Age of the oldest message the search index may miss.", {},
      [&search_indexer] { return search_indexer.lag().count() / 1000.0; });
  metrics_registry.AddCounterFunction(
      "parley_push_notifications_dropped_total",
      "Push notifications refused because the outbox intake was full.", {},
      [&outbox] { return double(outbox.stats().dropped); });
  metrics_registry.AddCounterFunction("parley_pruned_messages_total",
                                      "Messages the retention policies removed.", {},
                                      [&pruner] { return double(pruner.stats().messages); });
  metrics_registry.AddCounterFunction("parley_pruned_media_total",
                                      "Attachments media retention removed from messages.", {},
                                      [&pruner] { return double(pruner.stats().media); });
  if (cluster_node) {
    const cluster::ClusterNode& node = *cluster_node;
    metrics_registry.AddGaugeFunction("parley_cluster_nodes",
                                      "Other nodes of the cluster heard from lately.", {},
                                      [&node] { return double(node.stats().nodes); });
    metrics_registry.AddGaugeFunction("parley_cluster_bus_connected",
                                      "1 while both connections to the Redis bus are up.", {},
                                      [&node] { return node.stats().connected ? 1.0 : 0.0; });
    metrics_registry.AddCounterFunction(
        "parley_cluster_bus_dropped_total",
        "Bus messages dropped (Redis down or the queue full); devices catch up from the store.", {},
        [&node] { return double(node.stats().bus.dropped); });
    metrics_registry.AddCounterFunction("parley_cluster_gaps_total",
                                        "Other nodes' bus messages found missed.", {},
                                        [&node] { return double(node.stats().gaps); });
  }
  auto port = server.Start();
  if (!port.ok()) return Fail(port.status());
  // The XMPP front door (docs/xmpp.md): its streams on the same event loops and Hub slices as
  // the WebSocket sessions, onto the same domain services.
  // With a certificate, STARTTLS is required on it: the HTTP server's, reloaded with it on SIGHUP.
  std::optional<uint16_t> xmpp_port;
  if (config->xmpp.enabled) {
    // The slots' URLs name the HTTP listener: as configured, else as bound.
    std::string& upload_url = config->xmpp.c2s.upload_base_url;
    if (upload_url.empty()) upload_url = config->email.public_url;
    if (upload_url.empty()) {
      const std::string& host = config->server.host;
      upload_url = std::string(server.tls_context() != nullptr ? "https://" : "http://") +
                   (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                   std::to_string(*port);
    }
    xmpp_server = std::make_unique<xmpp::XmppServer>(
        config->xmpp, xmpp::XmppServices{auth, chat, social, groups, hub, server.event_loops(),
                                         server.tls_context(), &upload_slots});
    auto started = xmpp_server->Start();
    if (!started.ok()) return Fail(started.status());
    xmpp_port = *started;
    xmpp_serving.store(xmpp_server.get(), std::memory_order_release);
  }

  std::atomic<bool> stopped{false};  // set once Run() returned: the next wake-up is ours
  std::thread signal_waiter([&server, &writer, &xmpp_server, &stopped, signals] {
    // SIGHUP reloads the TLS certificate (open connections keep theirs); the others stop.
    const auto wait_for_stop = [&signals, &server, &stopped] {
      int received = 0;
      while (sigwait(&signals, &received) == 0 && received == SIGHUP && !stopped) {
        (void)server.ReloadTls();  // logs its outcome; a failure keeps the old certificate
      }
      return received;
    };
    int received = wait_for_stop();
    if (stopped) return;
    server.BeginShutdown();  // first: once "stopping" is logged, new requests get 503
    Log(LogLevel::kInfo, "stopping", {{"signal", std::to_string(received)}});
    // Every send queued before this point commits, and its ack is queued to its session
    // before the session is told to close.
    writer.Run([](store::WriteTxn&, chat::ConversationCache&) { return Status::Ok(); });
    if (xmpp_server) xmpp_server->Stop();  // while the event loops its streams live on still run
    server.Stop();
    received = wait_for_stop();
    if (stopped) return;
    Log(LogLevel::kWarning, "stopped_at_once", {{"signal", std::to_string(received)}});
    _exit(1);
  });
  Log(LogLevel::kInfo, "started",
      {{"host", config->server.host},
       {"port", std::to_string(*port)},
       {"data_dir", config->data_dir}});
  if (!setup_token->empty()) {
    // For the operator's eyes: printed, never logged. The log only says that setup is open.
    Log(LogLevel::kWarning, "admin_setup_open", {{"reason", "no server admin yet"}});
    std::printf(
        "parleyd admin setup token: %s (single use: an account that sends it to "
        "POST /api/v1/admin/setup becomes the server admin)\n",
        setup_token->c_str());
  }
  if (const uint16_t redirect = server.redirect_port(); redirect != 0) {
    std::printf("parleyd redirecting http://%s:%u to https\n",
                config->server.http_redirect->host.c_str(), redirect);
  }
  if (const uint16_t metrics_port = server.metrics_port(); metrics_port != 0) {
    std::printf("parleyd metrics on http://%s:%u/metrics\n",
                config->server.metrics_listen->host.c_str(), metrics_port);
  }
  if (xmpp_port) {
    std::printf("parleyd xmpp on %s:%u (domain %s)\n", config->xmpp.host.c_str(), *xmpp_port,
                config->xmpp.c2s.domain.c_str());
  }
  std::printf("parleyd listening on %s:%u%s\n", config->server.host.c_str(), *port,
              config->server.tls_cert_file.empty() ? "" : " (TLS)");
  std::fflush(stdout);

  server.Run();
  stopped = true;
  pthread_kill(signal_waiter.native_handle(), SIGTERM);  // wakes it wherever it waits
  signal_waiter.join();
  xmpp_server.reset();  // before the server's event loops, which its sessions lived on
  if (backups) backups->Stop();
  pruner.Stop();
  media_cleanup.Stop();
  exports.Stop();
  search_indexer.Stop();
  writer.Stop();  // everything queued is committed before exit
  if (cluster_node)
    cluster_node->Stop();  // after the writer's last events; before the tracker goes
  if (digests) digests->Stop();
  outbox.Stop();  // after the writer: the notifications of its last commits are written
  const chat::MessageWriter::Stats stats = writer.stats();
  Log(LogLevel::kInfo, "stopped",
      {{"writer_batches", std::to_string(stats.batches)},
       {"writer_commands", std::to_string(stats.commands)}});
  const push::Outbox::Stats push_stats = outbox.stats();
  Log(LogLevel::kInfo, "push_stopped",
      {{"notified", std::to_string(push_stats.notified)},
       {"delivered", std::to_string(push_stats.delivered)},
       {"retried", std::to_string(push_stats.retried)},
       {"gone", std::to_string(push_stats.gone)},
       {"failed", std::to_string(push_stats.failed)},
       {"dropped", std::to_string(push_stats.dropped)}});
  return 0;
}

}  // namespace
}  // namespace parley::app

int main(int argc, char** argv) { return parley::app::Main(argc, argv); }
