// Plain records the store reads and writes. No behaviour, no rules: the domain (chat/, auth/)
// decides what is allowed; the store only keeps it. All timestamps are Unix milliseconds.
#ifndef PARLEY_STORE_TYPES_H_
#define PARLEY_STORE_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::store {

struct User {
  int64_t id = 0;
  std::string username;  // unique, compared case-insensitively (ASCII)
  std::string display_name;
  std::string password_hash;  // argon2id encoded string; never leaves the server
  int64_t created_at = 0;
  // Profile. Empty strings are unset.
  std::string avatar;        // a media id (an image the user uploaded), or empty
  std::string status_line;   // "at the gym"
  std::string language;      // BCP 47 tag ("en", "zh-CN", "fr")
  std::string time_zone;     // IANA name ("Europe/Paris")
  bool is_admin = false;     // server admin: may send system notices and grant the role
  int64_t last_seen_at = 0;  // when the user's last device went offline (0: never seen)
  int64_t disabled_at = 0;   // when a server admin disabled the account (0: enabled)
  friend bool operator==(const User&, const User&) = default;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password_hash;
  int64_t created_at = 0;
};

// One logged-in device. The token itself is never stored, only its hash.
struct Device {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;  // what the client called itself at login ("cli", "Firefox on Linux")
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
};

struct NewDevice {
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;  // raw bytes of the token's hash
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// An account's e-mail address (docs/security.md, "E-mail and password reset"). An address is
// used for password reset only once verified; at most one account holds a verified address.
struct AccountEmail {
  int64_t user_id = 0;
  std::string address;  // as the user typed it; compared case-insensitively
  bool verified = false;
  int64_t changed_at = 0;
};

// What a single-use account token is for.
enum class TokenPurpose {
  kVerifyEmail = 1,    // proves the holder reads `address`
  kResetPassword = 2,  // sets a new password
};

// A single-use, short-lived secret sent by e-mail. Only its hash is stored.
struct OneTimeToken {
  std::string token_hash;  // raw bytes of the token's hash
  int64_t user_id = 0;
  TokenPurpose purpose = TokenPurpose::kVerifyEmail;
  std::string address;  // where it was sent
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// A user's TOTP (two-step sign-in) seed, sealed (auth::SecretBox), and its state.
// An identity at an OpenID Connect provider (its issuer's `sub`) linked to an account.
struct OidcIdentity {
  std::string provider;  // the configured provider's name
  std::string subject;   // the provider's stable id of the person
  int64_t user_id = 0;
  int64_t created_at = 0;  // when it was linked (Unix ms)
};

// What SCRAM-SHA-256 (RFC 5802, 7677) checks a password against without knowing it:
// PBKDF2-HMAC-SHA-256 of the password with `salt` and `iterations`, from which StoredKey and
// ServerKey are derived (auth/scram.h). Raw bytes; never leaves the server.
struct ScramCredentials {
  std::string salt;
  int64_t iterations = 0;
  std::string stored_key;  // SHA-256(HMAC(SaltedPassword, "Client Key"))
  std::string server_key;  // HMAC(SaltedPassword, "Server Key")
};

struct TotpSecret {
  int64_t user_id = 0;
  std::string sealed_seed;  // what SecretBox::Seal made of the raw seed, the user id as context
  bool enabled = false;     // false: enrolment started, not yet confirmed with a code
  int64_t last_step = 0;    // the highest TOTP step accepted: no step is accepted twice
  int64_t created_at = 0;
};

enum class ConversationKind {
  kDirect = 1,  // two users; its key is "<smaller id>:<larger id>"
  kGroup = 2,   // named, with roles; membership changes are events in its stream
  kSystem = 3,  // one per user, written only by server admins (notices); key "system:<id>"
};

enum class MessageKind {
  kText = 0,    // text typed by a member
  kEvent = 1,   // a membership or group change; text holds a JSON object describing it
  kNotice = 2,  // a system notice from a server admin
  // Operations on an earlier message (`target`); they take a seq so offline devices replay
  // them, but are not content: they neither count as unread nor become last_message.
  kEdit = 3,      // text holds the new text
  kDelete = 4,    // text is empty
  kReaction = 5,  // text holds the emoji; `on` says added (true) or removed
  kSticker = 6,   // content: `sticker` names it, text holds its keywords, media its image
};

// Whether messages of this kind are shown as messages (not ops applied to another one).
inline bool IsContentKind(MessageKind kind) {
  return kind == MessageKind::kText || kind == MessageKind::kEvent ||
         kind == MessageKind::kNotice || kind == MessageKind::kSticker;
}

enum class Role { kMember = 0, kAdmin = 1, kOwner = 2 };

// The message a reply quotes, as it is now (filled by reads, never stored as such).
struct Quote {
  int64_t seq = 0;
  int64_t sender_id = 0;
  MessageKind kind = MessageKind::kText;
  std::string text;        // at most the first 200 code points; empty when deleted
  std::string media_kind;  // the kind of its attachment ("image", ...); empty if none
  bool deleted = false;
  friend bool operator==(const Quote&, const Quote&) = default;
};

// One emoji's reactions on a message: who reacted, in the order they did.
struct Reaction {
  std::string emoji;
  std::vector<int64_t> users;
  friend bool operator==(const Reaction&, const Reaction&) = default;
};

// A finished upload: metadata-free bytes in the blob store under `digest`.
struct Media {
  std::string id;  // "m_" + 32 lowercase hex
  int64_t owner_id = 0;
  std::string kind;              // "image", "voice", "file", "video" (media::MediaKindName)
  std::string mime;              // sniffed from the bytes, never the client's claim
  int64_t size = 0;              // of the stored bytes
  std::string name;              // sanitized file name
  std::string digest;            // the blob of the bytes
  std::string thumbnail_digest;  // images: the thumbnail's blob; videos: the poster's; else empty
  std::string thumbnail_mime;
  int64_t width = 0;  // images and videos
  int64_t height = 0;
  int64_t duration_ms = 0;  // voice and videos
  std::string preview;      // images and videos: a tiny "data:" URL
  int64_t created_at = 0;
  bool is_public = false;   // an avatar: every logged-in user may fetch it
  int64_t attached_at = 0;  // first sent or made an avatar; 0: never (an orphan after a while)
  friend bool operator==(const Media&, const Media&) = default;
};

struct Message {
  int64_t conversation_id = 0;
  int64_t seq = 0;  // dense per conversation: 1, 2, 3 ...
  int64_t sender_id = 0;
  std::string client_id;  // the sender's idempotency key
  std::string text;
  int64_t created_at = 0;
  MessageKind kind = MessageKind::kText;
  // The attachment, if any. Append stores only media->id; reads fill the whole descriptor.
  std::optional<Media> media;
  // Message operations (migration 4).
  int64_t reply_to = 0;   // content: the seq this one replies to (0: none)
  int64_t target = 0;     // ops: the seq they apply to
  bool on = false;        // kReaction: added (true) or removed (false)
  int64_t edited_at = 0;  // content: when last edited (0: never); kEdit: when it applied
  bool deleted = false;   // content: a tombstone (text, media, reply_to, reactions cleared)
  // Filled by reads (and by Append for reply_to), never written.
  std::optional<Quote> quote;       // reply_to as it is now
  std::vector<Reaction> reactions;  // current reactions, oldest emoji first
  int64_t sticker = 0;              // kSticker: the sticker's id (migration 14)
  friend bool operator==(const Message&, const Message&) = default;
};

struct Member {
  int64_t user_id = 0;
  int64_t delivered_seq = 0;  // highest seq any of the member's devices confirmed receiving
  int64_t read_seq = 0;       // highest seq the member has read
  Role role = Role::kMember;
  int64_t muted_until = 0;  // the member may not send before this time (0: not muted)
  int64_t first_seq = 1;    // the first seq the member may read (late joiners start at their join)
  friend bool operator==(const Member&, const Member&) = default;
};

// The result of raising a member's cursors: where they are now, and whether either moved.
struct CursorAdvance {
  Member member;
  bool moved = false;
};

// The messages of one conversation with after < seq <= until.
struct SeqRange {
  int64_t conversation_id = 0;
  int64_t after = 0;
  int64_t until = 0;
};

// A user's view of one conversation, for the conversation list.
struct ConversationSummary {
  int64_t id = 0;
  ConversationKind kind = ConversationKind::kDirect;
  int64_t last_seq = 0;
  int64_t last_activity_at = 0;
  std::optional<Message> last_message;  // the newest content message (never an op)
  int64_t unread = 0;                   // content messages after self.read_seq
  Member self;                          // the asking user's cursors
  std::vector<Member> others;           // direct: the other member with cursors; groups: empty
  // Groups only (empty/0 otherwise): a group may have thousands of members, so its summary
  // carries counts instead of everyone's cursors.
  std::string name;
  std::string topic;
  int64_t member_count = 0;
  int64_t read_by = 0;  // other members whose read cursor reached last_seq
  // Messages with seq <= pruned_through were removed by the retention policy (0: none).
  int64_t pruned_through = 0;
};

// --- sync ---

// A point in the history of the conversation states that `synced` carries (Store::ReadSyncStates):
// every change committed after the snapshot that gave it is after it. `epoch` names the
// history: a point of another one (another server or database, or an earlier start of this
// store, whose counter may since have gone back with a restored backup) is never compared.
struct SyncPoint {
  std::string epoch;
  int64_t version = 0;
};

// One of a user's memberships, as much as catch-up needs to plan its replay.
struct MembershipState {
  int64_t conversation_id = 0;
  int64_t last_seq = 0;
  int64_t first_seq = 1;  // the member's first seq (joined late: later than 1)
  int64_t pruned_through = 0;
  // The state `synced` carries of it (ConversationSummary without the last message) changed
  // after the point asked for; always true when none was asked or it was not accepted.
  bool changed = true;
};

// Store::ReadSyncStates' answer: one snapshot.
struct SyncStates {
  std::vector<MembershipState> memberships;    // every membership, in no particular order
  std::vector<ConversationSummary> summaries;  // those selected, most recent activity first
  SyncPoint point;                             // the snapshot's point
  bool since_accepted = false;  // the point asked for is of this history and not after `point`
};

// --- search ---

// Where a search page ends: results are ordered newest first by (created_at, conversation_id,
// seq), and the next page starts strictly below this position.
struct SearchPosition {
  int64_t created_at = 0;
  int64_t conversation_id = 0;
  int64_t seq = 0;
};

struct SearchQuery {
  int64_t user_id = 0;          // only messages this user can read are found
  std::string text;             // the user's words, taken literally (no query syntax)
  int64_t conversation_id = 0;  // 0: every conversation of the user
  std::optional<SearchPosition> before;
  int limit = 20;
};

struct SearchHit {
  Message message;
  std::string snippet;  // the matching text around the hits, each hit in U+E000 ... U+E001
};

struct SearchPage {
  std::vector<SearchHit> hits;         // newest first
  std::optional<SearchPosition> next;  // set when more may follow
};

// --- groups ---

// A group conversation's own fields (its messages and members live in the usual tables).
struct Group {
  int64_t id = 0;
  std::string name;        // 1..64 code points, trimmed
  std::string topic;       // up to 512 bytes; empty: none
  bool is_public = false;  // anyone may ask to join (join requests)
  int64_t created_at = 0;
  int64_t last_seq = 0;
  int64_t member_count = 0;  // filled by reads; ignored by writes
};

// A public group as the directory shows it to one user: whether they are a member already or
// have asked to join.
struct PublicGroup {
  Group group;
  bool member = false;
  bool requested = false;
};

// An invitation link: whoever presents `code` before expires_at joins the group, unless the
// code was used max_uses times already (0: no limit) or they are banned.
struct GroupInvite {
  std::string code;
  int64_t conversation_id = 0;
  int64_t created_by = 0;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t max_uses = 0;  // 0: any number of joins
  int64_t uses = 0;      // joins so far
};

// A user an owner or admin banned from a group: no way in (invite, join request, add) until
// unbanned.
struct GroupBan {
  int64_t conversation_id = 0;
  int64_t user_id = 0;
  int64_t banned_by = 0;
  int64_t created_at = 0;
};

// A user asking to join a public group, waiting for an owner or admin to answer.
struct JoinRequest {
  int64_t conversation_id = 0;
  int64_t user_id = 0;
  int64_t created_at = 0;
};

// --- social graph ---

// A pending friend request from one user to another.
struct FriendRequest {
  int64_t from_id = 0;
  int64_t to_id = 0;
  std::string note;  // may be empty
  int64_t created_at = 0;
  friend bool operator==(const FriendRequest&, const FriendRequest&) = default;
};

struct FriendRequests {
  std::vector<FriendRequest> incoming;  // to the user, newest first
  std::vector<FriendRequest> outgoing;  // from the user, newest first
};

// Another user related to the asking one (a friend, a blocked user) and since when.
struct Relation {
  User user;  // password_hash empty
  int64_t since = 0;
  friend bool operator==(const Relation&, const Relation&) = default;
};

// --- moments (a friends-only feed) ---

// Who among the author's friends a moment is for.
enum class MomentAudience { kAllFriends = 0, kOnly = 1, kExcept = 2 };

struct Moment {
  int64_t id = 0;  // ascending in posting order
  int64_t author_id = 0;
  std::string text;
  std::vector<Media> media;  // in the author's order: up to 9 images or one video
  std::string location;      // free text, may be empty
  MomentAudience audience = MomentAudience::kAllFriends;
  std::vector<int64_t> audience_users;  // kOnly / kExcept: the listed users, ascending
  int64_t created_at = 0;
};

struct MomentLike {
  int64_t moment_id = 0;
  int64_t user_id = 0;
  int64_t created_at = 0;
  friend bool operator==(const MomentLike&, const MomentLike&) = default;
};

struct MomentComment {
  int64_t id = 0;
  int64_t moment_id = 0;
  int64_t user_id = 0;
  int64_t reply_to = 0;          // the comment this one answers; 0: none
  int64_t reply_to_user_id = 0;  // that comment's author; 0: none
  std::string text;
  int64_t created_at = 0;
  friend bool operator==(const MomentComment&, const MomentComment&) = default;
};

// The likes and comments of some moments, each list oldest first.
struct MomentInteractions {
  std::vector<MomentLike> likes;
  std::vector<MomentComment> comments;
};

// A partial profile change: only the fields that hold a value change.
struct ProfileUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> avatar;
  std::optional<std::string> status_line;
  std::optional<std::string> language;
  std::optional<std::string> time_zone;
};

// --- media ---

// An upload in progress; its bytes are a temporary file named after its id.
struct Upload {
  std::string id;  // "u_" + 32 lowercase hex
  int64_t owner_id = 0;
  std::string kind;      // the intended use: "image", "voice", "file" or "video"
  std::string name;      // sanitized
  int64_t size = 0;      // declared total
  int64_t received = 0;  // bytes stored so far (a prefix)
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// --- sticker packs ---

// The built-in pack (migration 14): owned by no one (owner_id 0), usable by everyone; its
// images are static files of the web app (/stickers/<sticker id>.png), so its stickers have no
// media.
inline constexpr std::string_view kDefaultStickerPackSlug = "default";

struct Sticker {
  int64_t id = 0;
  int64_t pack_id = 0;
  std::string media_id;        // a public image; empty in the built-in pack
  std::string keywords;        // what search finds a sticker message by
  int64_t position = 0;        // order within the pack, ascending
  std::optional<Media> media;  // filled by reads when media_id is set
};

struct StickerPack {
  int64_t id = 0;
  std::string slug;      // the share link's key; "default" for the built-in pack
  int64_t owner_id = 0;  // 0: the built-in pack
  std::string name;
  int64_t created_at = 0;
  std::vector<Sticker> stickers;  // by position; filled by reads
};

// --- administration ---

// One entry of the audit log: a server admin's action. `details` never holds a secret (no
// password, token or message text).
struct AuditEntry {
  int64_t id = 0;  // ascending in the order entries were written
  int64_t at = 0;  // Unix ms
  int64_t actor_id = 0;
  std::string action;   // "user.disable", "report.resolve", ... (docs/protocol.md)
  std::string target;   // "user:12", "report:3", "message:7:41"
  std::string details;  // a short sentence, may be empty
};

// What a reporter showed the admins, copied at report time from what they could see (admins
// are not members): the message's kind and text for a report of a message; the group's name,
// topic, visibility and member count for a report of a group (its owner is Report::user_id).
// Empty for a report of a user, and cleared by account deletion (docs/protocol.md).
struct ReportSnapshot {
  std::string message_kind;  // "text"
  std::string message_text;
  std::string group_name;
  std::string group_topic;
  bool group_public = false;
  int64_t group_members = 0;
};

// A user's report of a message, a group or another user, and its resolution once an admin
// took it.
struct Report {
  int64_t id = 0;
  int64_t reporter_id = 0;
  int64_t user_id = 0;  // the reported user (a message's sender, a group's owner at the time)
  int64_t conversation_id = 0;  // a reported message: (conversation_id, seq); else 0, 0
  int64_t seq = 0;
  std::string reason;
  int64_t created_at = 0;
  int64_t resolved_at = 0;  // 0: open
  int64_t resolved_by = 0;
  std::string resolution;  // chat::ResolutionName's names; empty while open
  int64_t group_id = 0;    // a reported group; else 0
  ReportSnapshot snapshot;
};

// What Store::CountStats counts.
struct ServerStats {
  int64_t users = 0;  // accounts, deleted ones not counted
  int64_t disabled_users = 0;
  int64_t conversations = 0;  // direct, group and system conversations, deleted groups not
  int64_t messages = 0;       // stored messages of every kind, tombstones included
  int64_t media_bytes = 0;    // the sizes of all stored media
};

// --- retention (pruning old messages) ---

// How long a conversation keeps its messages; 0 in a field is no limit.
struct RetentionPolicy {
  int64_t days = 0;          // messages older than this many days go
  int64_t max_messages = 0;  // only the last this many seqs stay
};

// A conversation's policy and how far it has been pruned.
struct ConversationRetention {
  int64_t conversation_id = 0;
  ConversationKind kind = ConversationKind::kDirect;
  RetentionPolicy policy;  // the conversation's own (the server's applies as well)
  int64_t last_seq = 0;
  int64_t pruned_through = 0;        // messages with seq <= this are gone
  int64_t media_pruned_through = 0;  // messages with seq <= this lost their media
};

// What a message is pruned for: seq <= through_seq, or created_at < created_before. A pass
// removes the longest run of such messages after the conversation's pruned range.
struct PruneLimits {
  int64_t through_seq = 0;     // 0: no bound by count
  int64_t created_before = 0;  // 0: no bound by age
};

// The outcome of one small pruning transaction.
struct PruneStep {
  int removed = 0;             // messages removed (or stripped of their media)
  int64_t pruned_through = 0;  // the conversation's pruned range (or media range) now
  bool more = false;           // the batch was full: more may be due
};

}  // namespace parley::store

#endif  // PARLEY_STORE_TYPES_H_
