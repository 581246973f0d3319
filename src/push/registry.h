// Registry: what users do with their push targets and settings (the HTTP API's side of push):
// register a device's target (checked by target_rules, capped per user), list and remove
// them, choose the preview level and mute conversations. Removing targets when devices log out
// is also here (called by the auth revocation listener).
//
// Thread-safe; blocking (PushStore): call from worker threads.
#ifndef PARLEY_PUSH_REGISTRY_H_
#define PARLEY_PUSH_REGISTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "push/delivery_store.h"
#include "push/notification.h"
#include "push/push_store.h"

namespace parley::push {

struct RegistryOptions {
  int max_targets_per_user = 10;
  bool allow_private = false;  // http endpoints allowed too (tests, intranets)
  Preview server_preview = Preview::kFull;
  std::string vapid_public_key;  // base64url, for clients' applicationServerKey
  bool fcm_enabled = false;      // an FCM service account is configured
  bool apns_enabled = false;     // an APNs key is configured
  int64_t digest_after_ms = 0;   // offline time before an e-mail digest; 0: no digests (no SMTP)
};

// A target as a client asks for it: Web Push (endpoint and the subscription's keys, base64url),
// a webhook (endpoint only; the server makes the signing secret), or FCM / APNs (the device's
// registration token, in `endpoint`).
struct Registration {
  Provider provider = Provider::kWebPush;
  std::string endpoint;  // FCM, APNs: the token
  std::string p256dh;
  std::string auth;
};

class Registry {
 public:
  Registry(PushStore& store, DeliveryStore& deliveries, RegistryOptions options)
      : store_(store), deliveries_(deliveries), options_(options) {}

  // Replaces the device's earlier target of the same provider. kInvalidArgument for a bad
  // endpoint, token or keys, or a provider this server has no credentials for, kQuotaExceeded over
  // the per-user cap. A webhook's result carries its secret (shown once to the client that
  // registered it).
  Result<Target> Register(int64_t user_id, int64_t device_id, const Registration& registration,
                          int64_t now);
  Result<std::vector<Target>> List(int64_t user_id) { return store_.TargetsOf(user_id); }
  // kNotFound "no such push target" unless the user has it.
  Status Remove(int64_t user_id, int64_t target_id);

  struct Settings {
    Preview preview = Preview::kFull;         // the user's choice
    Preview server_preview = Preview::kFull;  // the most the server allows
    std::vector<push::Mute> mutes;
    std::optional<QuietHours> quiet_hours;  // in the user's profile time zone
    DeliveryPrefs delivery;                 // pushes while away, e-mail digests
    int64_t digest_after_ms = 0;            // RegistryOptions::digest_after_ms
  };
  Result<Settings> SettingsOf(int64_t user_id);
  Status SetPreview(int64_t user_id, Preview preview) {
    return store_.SetPreview(user_id, preview);
  }
  // Changes what is given (nullopt: unchanged). Turning digests on needs a server that sends
  // mail (kUnavailable otherwise) and `has_verified_email` (kInvalidArgument otherwise).
  Status SetDelivery(int64_t user_id, std::optional<bool> when_away,
                     std::optional<bool> email_digest, bool has_verified_email);
  // kInvalidArgument unless both minutes are in [0, 1440) and differ; nullopt clears them.
  Status SetQuietHours(int64_t user_id, std::optional<QuietHours> hours);
  // until: ms since the epoch, 0 until unmuted; kInvalidArgument for a negative time.
  Status Mute(int64_t user_id, int64_t conversation_id, int64_t until);
  Status Unmute(int64_t user_id, int64_t conversation_id) {
    return store_.RemoveMute(user_id, conversation_id);
  }

  // Logging out: the device's targets go with it.
  void DeviceRevoked(int64_t device_id);
  void OtherDevicesRevoked(int64_t user_id, int64_t kept_device_id);
  // Deleting the account: every target, setting, mute and digest state of the user goes.
  Status ForgetUser(int64_t user_id) {
    if (Status s = store_.ForgetUser(user_id); !s.ok()) return s;
    return deliveries_.ForgetUser(user_id);
  }

  const RegistryOptions& options() const { return options_; }

 private:
  PushStore& store_;
  DeliveryStore& deliveries_;
  const RegistryOptions options_;
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_REGISTRY_H_
