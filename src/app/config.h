// Config: every setting of parleyd, with its default, read from the command line and an
// optional config file (`--config FILE`, lines of `key = value`, `#` comments). Command-line
// values override the file. Each module receives only its own part (server, auth, chat, store).
//
// ParseConfig never exits or throws: unknown keys, malformed values and out-of-range numbers
// are a kInvalidArgument Status naming the key, so a typo never silently runs with a default.
#ifndef PARLEY_APP_CONFIG_H_
#define PARLEY_APP_CONFIG_H_

#include <string>
#include <vector>

#include "account/email_service.h"
#include "account/export_service.h"
#include "account/two_factor_service.h"
#include "app/backup_schedule.h"
#include "auth/auth_service.h"
#include "base/log_format.h"
#include "base/status.h"
#include "chat/groups/groups.h"
#include "chat/media/media_service.h"
#include "chat/messaging/message_writer.h"
#include "chat/messaging/retention.h"
#include "chat/service.h"
#include "chat/social/social.h"
#include "mail/smtp_mailer.h"
#include "media/s3_client.h"
#include "net/server.h"
#include "oidc/options.h"
#include "push/digest.h"
#include "push/http_client.h"
#include "push/outbox.h"
#include "push/providers.h"
#include "push/registry.h"
#include "xmpp/options.h"

namespace parley::app {

// Push notifications (docs/architecture.md, "Push notifications").
struct PushConfig {
  push::OutboxOptions outbox;
  push::RegistryOptions registry;  // vapid_public_key is filled at start-up
  push::HttpClientOptions http;
  std::string vapid_subject = "mailto:admin@localhost";  // the contact push services see
  std::string vapid_key_file;       // empty: <data_dir>/vapid_private.pem (made at first start)
  int ttl_seconds = 24 * 3600;      // how long a push service keeps an undelivered notification
  push::ProviderOptions providers;  // FCM and APNs credentials (files) and base URLs
  push::DigestOptions digest;       // e-mail digests (public_url and preview filled at start-up)
};

// Where media blobs live (docs/operations.md, "Media on S3-compatible storage").
struct MediaStoreConfig {
  bool s3 = false;                 // media-store = s3; false: the local media directory
  media::S3Options s3_options;     // credentials.secret_key is read from s3_secret_key_file
  std::string s3_secret_key_file;  // a file holding the secret access key (one line)
};

struct Config {
  std::string data_dir = "data";   // holds parley.db (SQLite, WAL)
  std::string postgres;            // non-empty: the store is this PostgreSQL database instead
  std::string redis;  // non-empty: a cluster node, its bus on this Redis (needs postgres)
  bool fsync_every_commit = true;  // synchronous=FULL: durable across power loss, not just crashes
  net::ServerOptions server;
  auth::AuthOptions auth;
  chat::ServiceOptions chat;
  chat::WriterOptions writer;
  chat::GroupsOptions groups;
  chat::SocialOptions social;
  chat::MediaOptions media;                         // media_dir empty: <data_dir>/media
  int64_t media_cleanup_interval_ms = 3600 * 1000;  // how often expired uploads and unused
                                                    // media are removed
  MediaStoreConfig media_store;                     // where blobs live: local dir or S3
  mail::SmtpOptions smtp;                           // outgoing mail; smtp.url empty: none
  std::string smtp_test_to;     // --smtp-test-to: send one mail there, print the outcome, exit
  account::EmailOptions email;  // verification and reset links (public_url) and lifetimes
  account::TwoFactorOptions two_factor;  // two-step sign-in: limits and lifetimes
  std::string secret_key_file;       // empty: <data_dir>/secret.key (account/two_factor_keys.h)
  std::string rotate_secret_key_to;  // --rotate-secret-key: reseal under this key file, exit
  PushConfig push;
  account::ExportOptions exports;  // users' data exports; dir: <data_dir>/exports (set at start)
  oidc::OidcOptions oidc;  // sign-in providers (oidc/options.h); public_url filled from email's
  BackupScheduleOptions backup;  // scheduled backups (app/backup_schedule.h); dir empty: none
  std::string admin_username;  // granted the server-admin role at start-up (must exist)
  LogFormat log_format = LogFormat::kText;  // --log-format text|json (base/log_format.h)
  bool show_help = false;
  chat::RetentionOptions retention;  // retention policy and the pruner (chat/messaging/retention.h)
  xmpp::XmppOptions xmpp;            // the XMPP front door; off unless xmpp-listen is set
};

// `args` excludes the program name.
Result<Config> ParseConfig(const std::vector<std::string>& args);

// The --help text: every key with its meaning and default.
std::string ConfigHelp();

}  // namespace parley::app

#endif  // PARLEY_APP_CONFIG_H_
