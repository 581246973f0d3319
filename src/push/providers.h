// Providers: the FCM and APNs senders, made at start-up from the credential files the
// configuration names (a service-account JSON file, an APNs .p8 key). Nothing of them is
// stored in push.db; a provider without configuration has no sender (and the registry refuses
// its targets).
//
// Thread-safety: immutable after Load; the senders are thread-safe.
#ifndef PARLEY_PUSH_PROVIDERS_H_
#define PARLEY_PUSH_PROVIDERS_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "push/apns_sender.h"
#include "push/fcm_auth.h"
#include "push/fcm_sender.h"

namespace parley::push {

struct ProviderOptions {
  std::string fcm_service_account_file;  // empty: no FCM
  std::string fcm_url = "https://fcm.googleapis.com";
  std::string apns_key_file;  // empty: no APNs
  ApnsOptions apns;           // key_id, team_id and topic required with a key file
};

class Providers {
 public:
  // Reads and checks the files; kInvalidArgument naming what is wrong. The base URLs and the
  // service account's token_uri must be https unless `allow_http` (tests, intranets).
  // `http` must outlive the result.
  static Result<std::unique_ptr<Providers>> Load(const ProviderOptions& options,
                                                 const HttpClient& http, bool allow_http,
                                                 int ttl_seconds, BadgeOf badge_of = nullptr);
  Sender* fcm() const { return fcm_sender_.get(); }    // null when not configured
  Sender* apns() const { return apns_sender_.get(); }  // null when not configured

 private:
  Providers() = default;
  FcmServiceAccount account_;
  std::unique_ptr<FcmAuth> fcm_auth_;
  std::unique_ptr<FcmSender> fcm_sender_;
  std::unique_ptr<ApnsSender> apns_sender_;
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_PROVIDERS_H_
