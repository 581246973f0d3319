// The plain values of push/: what the chat domain hands over (Notification, through the
// Notifier interface), where it goes (Target), and what the user chose (Preview).
//
// Plain values: copyable, no behaviour.
#ifndef PARLEY_PUSH_NOTIFICATION_H_
#define PARLEY_PUSH_NOTIFICATION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace parley::push {

// Something a user with no online device should hear about.
struct Notification {
  enum class Kind { kMessage, kNotice, kFriendRequest, kAddedToGroup };
  Kind kind = Kind::kMessage;
  int64_t conversation_id = 0;  // 0 for a friend request
  int64_t seq = 0;
  int64_t sender_id = 0;   // 0 for a notice
  std::string text;        // the preview source (a message's first bytes); empty for media
  std::string media_kind;  // "image", "voice", "file" when the message carries media
  int64_t at = 0;          // ms since the epoch
};

// The chat domain's view of push: it hands over notifications and never waits.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // Queues `what` for each of `offline` (no device connected) and of `away` (every connected
  // device said it is away; only those who asked to be notified then hear of it). One
  // notification is shared by all of them: a message to a group of 10,000 costs one copy.
  // Never blocks on I/O; thread-safe.
  virtual void Notify(Notification what, std::vector<int64_t> offline,
                      std::vector<int64_t> away) = 0;
};

// Stored as their numbers in push.db: never renumber.
enum class Provider { kWebPush = 0, kWebhook = 1, kFcm = 2, kApns = 3 };
inline constexpr size_t kProviderCount = 4;

// A device's push target.
struct Target {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t device_id = 0;
  Provider provider = Provider::kWebPush;
  std::string endpoint;  // Web Push, webhook: the URL notifications are POSTed to;
                         // FCM, APNs: the device's registration token
  std::string p256dh;    // Web Push: the subscription's public key (65 raw bytes)
  std::string auth;      // Web Push: the subscription's auth secret (16 raw bytes)
  std::string secret;    // webhook: the signing secret (hex)
  int64_t created_at = 0;
};

// How much a notification shows: the sender and the text, the sender only, or nothing
// ("New message"). Ordered from most to least revealing.
enum class Preview { kFull = 0, kSender = 1, kNone = 2 };

std::string_view ProviderName(Provider provider);
std::string_view PreviewName(Preview preview);

}  // namespace parley::push

#endif  // PARLEY_PUSH_NOTIFICATION_H_
