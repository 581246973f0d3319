// Store: the one persistence interface of Parley. sql/ implements it once in SQL, for SQLite
// (sqlite/, the embedded default) and PostgreSQL (postgres/, for several nodes); both pass the
// same conformance suites (tests/store/*_store_test.cc, tests/store/backends.h).
//
// Contract
// - Every method is thread-safe and blocking: call it from a worker thread, never an I/O thread.
// - Failures are values: kNotFound, kConflict as documented per method; kInternal for storage
//   errors (and the call had no effect).
// - Write() runs `body` inside one transaction and commits it durably before returning OK: this
//   is how the message writer groups many messages into one commit. If `body` returns an error or
//   the commit fails, nothing `body` did is kept. Only one Write() runs at a time.
// - The store keeps no rules (who may send where); chat/ and auth/ do.
#ifndef PARLEY_STORE_STORE_H_
#define PARLEY_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/types.h"

namespace parley::store {

// How Store::Write's body holds the rules clock (WriteTxn::LockRules).
enum class RulesLock {
  kShared,     // the transaction authorizes from the rules: changes to them wait for it
  kExclusive,  // the transaction may change the rules: every other holder waits for it
};

// The operations available inside Store::Write. Valid only during that call.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  // --- the rules clock ---
  // The rules clock counts changes to the rules a writer authorizes from (membership, roles,
  // mutes, friendships, blocks), so a writer on one node learns that a writer on another node
  // changed them. LockRules takes the clock in `mode` until the transaction ends and returns its
  // version: a later rules change waits for a kShared holder to commit; a kExclusive holder
  // makes every other LockRules wait, then see the version it committed. Call it first in the
  // transaction (one lock order: no deadlock between writers).
  virtual Result<int64_t> LockRules(RulesLock mode) = 0;
  // Adds one to the version, in this transaction. Only after LockRules(kExclusive).
  virtual Status BumpRules() = 0;

  // The direct conversation between two distinct users, created (with both as members) if it
  // does not exist yet. Same id whichever order the users are given in.
  virtual Result<int64_t> DirectConversation(int64_t user_a, int64_t user_b) = 0;

  // Members of a conversation with their cursors; kNotFound if it does not exist.
  virtual Result<std::vector<Member>> Members(int64_t conversation_id) = 0;

  // The message `sender_id` sent earlier with `client_id`, if any (idempotent resend).
  virtual Result<std::optional<Message>> FindByClientId(int64_t sender_id,
                                                        std::string_view client_id) = 0;

  // Appends a message with the next seq of its conversation (fills in message.seq and returns
  // the stored message, with its quote when reply_to is set). Text messages are queued for
  // the search index. kConflict if (sender_id, client_id) exists already.
  virtual Result<Message> Append(Message message) = 0;

  // --- message operations ---
  // The stored message (conversation_id, seq) without quote or reactions; nullopt if none.
  virtual Result<std::optional<Message>> FindMessage(int64_t conversation_id, int64_t seq) = 0;
  // Replaces the text of a content message, sets edited_at and queues it for reindexing.
  // kNotFound if there is no such message.
  virtual Status EditMessage(int64_t conversation_id, int64_t seq, std::string_view text,
                             int64_t edited_at) = 0;
  // Makes the message a tombstone: deleted, text and reply_to cleared, the text of every
  // edit op that targets it cleared too (no version of the content survives), its reactions
  // dropped and its search entry queued for removal. Its media link goes too; a media no other
  // message carries (and no avatar) becomes unattached, so UnattachedMedia lists it again for
  // cleanup. kNotFound if there is no such message.
  virtual Status DeleteMessage(int64_t conversation_id, int64_t seq) = 0;
  // The distinct emoji `user_id` has on the message.
  virtual Result<int64_t> ReactionCount(int64_t conversation_id, int64_t seq, int64_t user_id) = 0;
  // Adds (on) or removes a reaction; whether anything changed.
  virtual Result<bool> SetReaction(int64_t conversation_id, int64_t seq, int64_t user_id,
                                   std::string_view emoji, bool on, int64_t at) = 0;

  // Raises a member's cursors to at least the given values (never lowers them; values above
  // the conversation's last seq are clamped to it; reading implies delivery). Returns the
  // member's cursors afterwards and whether either moved. kNotFound if not a member.
  virtual Result<CursorAdvance> AdvanceCursors(int64_t conversation_id, int64_t user_id,
                                               int64_t delivered_seq, int64_t read_seq) = 0;
  // Right after this transaction appended `seq`, a message of `user_id`'s: the sender has
  // delivered and read up to it (AdvanceCursors(conversation_id, user_id, seq, seq)). Cheaper:
  // nothing is read back (the append already told the other members), and a sender who is no
  // member (any more) changes nothing.
  virtual Status SenderRead(int64_t conversation_id, int64_t user_id, int64_t seq) = 0;

  // Runs `body` so that it takes full effect or none: if it returns an error, everything it
  // wrote is undone and the transaction carries on. Returns what `body` returned.
  virtual Status Atomically(const std::function<Status()>& body) = 0;

  // The kind of a live conversation; kNotFound if it does not exist or was deleted.
  virtual Result<ConversationKind> KindOf(int64_t conversation_id) = 0;

  // Whether the two users are friends (symmetric).
  virtual Result<bool> AreFriends(int64_t user_a, int64_t user_b) = 0;

  // Whether `blocker` has blocked `blocked`.
  virtual Result<bool> HasBlocked(int64_t blocker, int64_t blocked) = 0;
  // The users with a block either way with `user_id` (blocked by or blocking it), ascending.
  virtual Result<std::vector<int64_t>> BlockPeers(int64_t user_id) = 0;

  // The user's system conversation (notices), created with the user as its only member if it
  // does not exist yet. kNotFound "no such user" if the user does not exist.
  virtual Result<int64_t> SystemConversation(int64_t user_id) = 0;

  // --- groups ---
  // A new group conversation without members (last_seq 0); returns its id. Ignores group.id.
  virtual Result<int64_t> CreateGroup(const Group& group) = 0;
  // The live group `conversation_id` with its member count; kNotFound if there is none (also
  // for direct and deleted conversations).
  virtual Result<Group> FindGroup(int64_t conversation_id) = 0;
  // Stores name, topic and is_public of group.id. kNotFound if there is no such live group.
  virtual Status UpdateGroup(const Group& group) = 0;
  // Marks the group deleted and drops its members, invites, bans and join requests (messages
  // stay).
  virtual Status DeleteGroup(int64_t conversation_id) = 0;
  // Adds a member with the given role, mute and first_seq (cursors start at first_seq - 1).
  // kConflict if already a member; kNotFound "no such user" if the user does not exist.
  virtual Status AddMember(int64_t conversation_id, const Member& member, int64_t joined_at) = 0;
  // kNotFound if not a member.
  virtual Status RemoveMember(int64_t conversation_id, int64_t user_id) = 0;
  // Stores a member's role and muted_until (cursors untouched). kNotFound if not a member.
  virtual Status UpdateMember(int64_t conversation_id, const Member& member) = 0;
  // kConflict if the code exists already.
  virtual Status CreateInvite(const GroupInvite& invite) = 0;
  // kNotFound if no invite has this code (expiry and use limits are the caller's rules).
  virtual Result<GroupInvite> FindInvite(std::string_view code) = 0;
  // Counts one more join with the code. kNotFound if there is no such invite.
  virtual Status UseInvite(std::string_view code) = 0;
  // Whether the group had an invite with this code (and it is now gone).
  virtual Result<bool> RemoveInvite(int64_t conversation_id, std::string_view code) = 0;
  // Whether the ban is new (banning twice is not an error).
  virtual Result<bool> AddBan(const GroupBan& ban) = 0;
  // Whether the user was banned (and is no longer).
  virtual Result<bool> RemoveBan(int64_t conversation_id, int64_t user_id) = 0;
  virtual Result<bool> IsBanned(int64_t conversation_id, int64_t user_id) = 0;
  // kConflict if the user already asked.
  virtual Status AddJoinRequest(const JoinRequest& request) = 0;
  // kNotFound if there was no such request.
  virtual Status RemoveJoinRequest(int64_t conversation_id, int64_t user_id) = 0;

  // --- social graph ---
  // The user (password hash included, as read); kNotFound "no such user".
  virtual Result<User> FindUser(int64_t user_id) = 0;
  // The pending request from -> to, if any.
  virtual Result<std::optional<FriendRequest>> FindFriendRequest(int64_t from_id,
                                                                 int64_t to_id) = 0;
  // kConflict if a request from -> to exists already; kNotFound if either user does not.
  virtual Status AddFriendRequest(const FriendRequest& request) = 0;
  // Whether a request from -> to existed (and is now gone).
  virtual Result<bool> RemoveFriendRequest(int64_t from_id, int64_t to_id) = 0;
  // Stores the friendship in both directions; kConflict if they already are friends.
  virtual Status AddFriendship(int64_t user_a, int64_t user_b, int64_t since) = 0;
  // Whether they were friends (both directions are now gone).
  virtual Result<bool> RemoveFriendship(int64_t user_a, int64_t user_b) = 0;
  // Whether the block is new (blocking twice is not an error).
  virtual Result<bool> AddBlock(int64_t blocker, int64_t blocked, int64_t at) = 0;
  // Whether the block existed.
  virtual Result<bool> RemoveBlock(int64_t blocker, int64_t blocked) = 0;
  // Applies the fields that hold a value; returns the user afterwards. kNotFound if none.
  virtual Result<User> UpdateProfile(int64_t user_id, const ProfileUpdate& update) = 0;
  // Sets users.last_seen_at (never lowers it).
  virtual Status SetLastSeen(int64_t user_id, int64_t at) = 0;
  // The ids of the user's friends, ascending.
  virtual Result<std::vector<int64_t>> FriendIds(int64_t user_id) = 0;
  // --- end of social graph ---

  // --- media ---
  // kConflict if the id is taken.
  virtual Status CreateUpload(const Upload& upload) = 0;
  // kNotFound "no such upload".
  virtual Result<Upload> FindUpload(std::string_view upload_id) = 0;
  // Stores how many bytes of the upload were received. kNotFound "no such upload".
  virtual Status SetUploadReceived(std::string_view upload_id, int64_t received) = 0;
  // Whether the upload existed (and is now gone).
  virtual Result<bool> RemoveUpload(std::string_view upload_id) = 0;
  // What counts against the user's storage quota: the sizes of their media plus the declared
  // sizes of their open uploads.
  virtual Result<int64_t> MediaBytes(int64_t owner_id) = 0;
  // kConflict if the id is taken.
  virtual Status CreateMedia(const Media& media) = 0;
  // kNotFound "no such media".
  virtual Result<Media> FindMedia(std::string_view media_id) = 0;
  // Records that message (conversation_id, seq) holds the media, and sets its attached_at if
  // unset. kNotFound "no such media".
  virtual Status AttachMedia(std::string_view media_id, int64_t conversation_id, int64_t seq,
                             int64_t at) = 0;
  // Marks the media public (an avatar) and attached. kNotFound "no such media".
  virtual Status MakeMediaPublic(std::string_view media_id, int64_t at) = 0;
  // Removes the media and its message references. Returns the digests (bytes, thumbnail) that
  // no remaining media refers to: the caller removes those blobs. kNotFound "no such media".
  virtual Result<std::vector<std::string>> RemoveMedia(std::string_view media_id) = 0;
  // --- end of media ---

  // --- moments (sqlite_moments.cc) ---
  // Stores a moment (ignores moment.id and the media descriptors beyond their ids) and marks
  // its media attached; returns its id. kNotFound "no such media" for an unknown media id.
  virtual Result<int64_t> AddMoment(const Moment& moment) = 0;
  // The live (not deleted) moment with its media descriptors; nullopt if none.
  virtual Result<std::optional<Moment>> FindMoment(int64_t moment_id) = 0;
  // Replaces the audience. kNotFound "no such moment" if there is no live moment.
  virtual Status SetMomentAudience(int64_t moment_id, MomentAudience audience,
                                   const std::vector<int64_t>& users) = 0;
  // Deletes the moment: its text, location, media links, likes and comments go; the id is never
  // reused. kNotFound "no such moment" if there is no live moment.
  virtual Status DeleteMoment(int64_t moment_id) = 0;
  // Adds (on) or removes a like; whether anything changed.
  virtual Result<bool> SetMomentLike(int64_t moment_id, int64_t user_id, bool on, int64_t at) = 0;
  // Stores a comment (ignores comment.id and reply_to_user_id); returns its id.
  virtual Result<int64_t> AddMomentComment(const MomentComment& comment) = 0;
  // The comment with reply_to_user_id filled in; nullopt if none.
  virtual Result<std::optional<MomentComment>> FindMomentComment(int64_t comment_id) = 0;
  // Removes the comment (replies to it stay, still naming it). kNotFound "no such comment".
  virtual Status DeleteMomentComment(int64_t comment_id) = 0;
  // --- end of moments ---
  // --- sticker packs (sqlite_stickers.cc) ---
  // Stores a pack (ignores pack.id and pack.stickers), puts it last in its owner's collection
  // and returns its id. kConflict if the slug is taken.
  virtual Result<int64_t> CreateStickerPack(const StickerPack& pack) = 0;
  // The pack with its stickers (media ids only); nullopt if none.
  virtual Result<std::optional<StickerPack>> FindStickerPack(std::string_view slug) = 0;
  // How many packs the user owns and how many are in their collection.
  virtual Result<int64_t> OwnedStickerPackCount(int64_t user_id) = 0;
  virtual Result<int64_t> CollectedStickerPackCount(int64_t user_id) = 0;
  // Deletes the pack, its stickers, every collection's entry of it and the recent rows of its
  // stickers. Messages that carry its stickers keep them (and their media). kNotFound
  // "no such sticker pack".
  virtual Status DeleteStickerPack(int64_t pack_id) = 0;
  // Adds the sticker last in its pack and makes its media public and attached (it outlives
  // the pack: messages may carry it) as of `at`; returns its id. kNotFound "no such media".
  virtual Result<int64_t> AddSticker(const Sticker& sticker, int64_t at) = 0;
  // kNotFound "no such sticker" unless the sticker is in the pack.
  virtual Status RemoveSticker(int64_t pack_id, int64_t sticker_id) = 0;
  // Gives the pack's stickers the positions of their ids in `sticker_ids` (the caller checked
  // it names each of them once).
  virtual Status SetStickerOrder(int64_t pack_id, const std::vector<int64_t>& sticker_ids) = 0;
  // Adds the pack last to the user's collection (on; no change if it is there) or removes it.
  // Whether anything changed.
  virtual Result<bool> SetStickerPackCollected(int64_t user_id, int64_t pack_id, bool on) = 0;
  // Gives the collected packs the positions of their ids in `pack_ids` (the caller checked it
  // names each of them once).
  virtual Status SetStickerCollectionOrder(int64_t user_id,
                                           const std::vector<int64_t>& pack_ids) = 0;
  // The sticker if `user_id` may send it: it is in the built-in pack, a pack they own or one
  // in their collection; nullopt otherwise (or if there is no such sticker).
  virtual Result<std::optional<Sticker>> UsableSticker(int64_t user_id, int64_t sticker_id) = 0;
  // Records that the user sent the sticker at `at`, keeping their `keep` most recent.
  virtual Status TouchRecentSticker(int64_t user_id, int64_t sticker_id, int64_t at, int keep) = 0;
  // --- end of sticker packs ---

  // Erases what the account holds, keeping the user row as a placeholder other records name
  // (docs/protocol.md, "Deleting the account"): their content messages become tombstones (as
  // DeleteMessage), their moments are deleted, their reactions, likes and comments removed,
  // their media removed; their friendships, friend requests, blocks (both ways), invites they
  // made, join requests, bans of them, devices, e-mail, tokens, TOTP seed, recovery codes and
  // open uploads go. The row gets the username "~deleted-<id>" (the old one is free again),
  // `shown_name` as display name, no password hash (no login matches it) and an empty profile.
  // Group memberships are the caller's (ownership rules). Returns the digests no remaining
  // media refers to: the caller removes those blobs. kNotFound "no such user".
  virtual Result<std::vector<std::string>> EraseAccount(int64_t user_id,
                                                        std::string_view shown_name) = 0;

  // --- retention (sqlite_retention.cc) ---
  // Stores the conversation's own retention policy. kNotFound "no such conversation".
  virtual Status SetRetention(int64_t conversation_id, const RetentionPolicy& policy) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- users ---
  // kConflict if the username is taken (case-insensitively).
  virtual Result<User> CreateUser(const NewUser& user) = 0;
  virtual Result<User> FindUserById(int64_t id) = 0;
  virtual Result<User> FindUserByName(std::string_view username) = 0;
  // Also removes the user's SCRAM credentials: they were derived from the old password.
  virtual Status SetPasswordHash(int64_t user_id, std::string_view password_hash) = 0;
  // The user's SCRAM-SHA-256 credentials (sqlite_scram.cc); nullopt if none were derived yet.
  virtual Result<std::optional<ScramCredentials>> FindScramCredentials(int64_t user_id) = 0;
  // Stores (or replaces) them. kNotFound if there is no such user.
  virtual Status SetScramCredentials(int64_t user_id, const ScramCredentials& credentials) = 0;
  // Grants or revokes the server-admin role; kNotFound if there is no such user.
  virtual Status SetAdmin(int64_t user_id, bool is_admin) = 0;
  // True if any account is a server admin.
  virtual Result<bool> HasAdmin() = 0;
  // Up to `limit` user ids greater than `after_id`, ascending (to walk every user in pages).
  virtual Result<std::vector<int64_t>> UserIdsAfter(int64_t after_id, int limit) = 0;

  // --- devices (login sessions) ---
  virtual Result<Device> CreateDevice(const NewDevice& device) = 0;
  // The unexpired, unrevoked device whose token hashes to `token_hash`; kNotFound otherwise.
  virtual Result<Device> FindDeviceByTokenHash(std::string_view token_hash, int64_t now) = 0;
  // Unexpired, unrevoked devices of a user, newest first.
  virtual Result<std::vector<Device>> ListDevices(int64_t user_id, int64_t now) = 0;
  // kNotFound unless `device_id` belongs to `user_id` and is still active.
  virtual Status RevokeDevice(int64_t user_id, int64_t device_id) = 0;
  // Revokes every device of the user except `keep_device_id` (0 keeps none).
  virtual Status RevokeOtherDevices(int64_t user_id, int64_t keep_device_id) = 0;
  virtual Status TouchDevice(int64_t device_id, int64_t now) = 0;

  // --- e-mail addresses and single-use tokens (sqlite_accounts.cc) ---
  // The user's address, if any.
  virtual Result<std::optional<AccountEmail>> FindEmail(int64_t user_id) = 0;
  // Sets the user's address, unverified (an empty one removes it), and drops the user's
  // kVerifyEmail tokens. kNotFound if there is no such user.
  virtual Status SetEmail(int64_t user_id, std::string_view address, int64_t now) = 0;
  // Marks the user's address verified if it still is `address`: false if it changed since.
  // kConflict if another account holds the same address verified.
  virtual Result<bool> MarkEmailVerified(int64_t user_id, std::string_view address) = 0;
  // The account holding `address` verified (case-insensitive); nullopt if none.
  virtual Result<std::optional<int64_t>> UserWithVerifiedEmail(std::string_view address) = 0;
  // Stores a token and drops the user's expired tokens. kConflict if the hash exists.
  virtual Status AddToken(const OneTimeToken& token) = 0;
  // Removes the token with this hash and purpose and returns it if it had not expired at
  // `now`: a token is taken once. nullopt if there is none (or it had expired).
  virtual Result<std::optional<OneTimeToken>> TakeToken(std::string_view token_hash,
                                                        TokenPurpose purpose, int64_t now) = 0;
  // Removes every token of the user with this purpose.
  virtual Status RemoveTokens(int64_t user_id, TokenPurpose purpose) = 0;

  // --- two-step sign-in: TOTP seeds and recovery codes (sqlite_two_factor.cc) ---
  virtual Result<std::optional<TotpSecret>> FindTotp(int64_t user_id) = 0;
  // Stores a new, not yet enabled seed for the user (replacing a pending one) and drops the
  // user's recovery codes. kConflict if the user's TOTP is enabled; kNotFound for no such user.
  virtual Status StartTotp(int64_t user_id, std::string_view sealed_seed, int64_t now) = 0;
  // Enables the pending seed with `step` as its first accepted step and stores the recovery
  // code hashes. False (and nothing changed) if there is no pending seed or it is enabled.
  virtual Result<bool> EnableTotp(int64_t user_id, int64_t step,
                                  const std::vector<std::string>& recovery_code_hashes) = 0;
  // Records `step` as accepted if it is above the last accepted one: false if it is not (a
  // code is accepted once, even by two concurrent requests).
  virtual Result<bool> AcceptTotpStep(int64_t user_id, int64_t step) = 0;
  // Removes the user's seed and recovery codes (two-step sign-in off).
  virtual Status RemoveTotp(int64_t user_id) = 0;
  // Replaces the user's sealed seed (key rotation). kNotFound if the user has none.
  virtual Status ResealTotp(int64_t user_id, std::string_view sealed_seed) = 0;
  // Up to `limit` ids of users with a TOTP seed (pending or enabled) above `after_id`, ascending.
  virtual Result<std::vector<int64_t>> TotpUserIdsAfter(int64_t after_id, int limit) = 0;
  // Replaces the user's recovery codes with these hashes.
  virtual Status ReplaceRecoveryCodes(int64_t user_id,
                                      const std::vector<std::string>& code_hashes) = 0;
  // Removes the user's recovery code with this hash: whether there was one (each works once).
  virtual Result<bool> TakeRecoveryCode(int64_t user_id, std::string_view code_hash) = 0;
  virtual Result<int64_t> RecoveryCodeCount(int64_t user_id) = 0;

  // --- identities at OpenID Connect providers (sqlite_identities.cc) ---
  // The account the identity is linked to; nullopt if none.
  virtual Result<std::optional<int64_t>> FindIdentityUser(std::string_view provider,
                                                          std::string_view subject) = 0;
  // Links an identity. kConflict if it is linked already (to anyone); kNotFound for no such user.
  virtual Status AddIdentity(const OidcIdentity& identity) = 0;
  // The user's identities, oldest first.
  virtual Result<std::vector<OidcIdentity>> ListIdentities(int64_t user_id) = 0;
  // Unlinks one of the user's identities if the account keeps a way in (a password or another
  // identity): kNotFound if it is not the user's, kForbidden if it is the last way in.
  virtual Status RemoveIdentity(int64_t user_id, std::string_view provider,
                                std::string_view subject) = 0;

  // --- conversations and messages (reads) ---
  // The user's membership of a conversation with cursors and role; nullopt if not a member.
  virtual Result<std::optional<Member>> FindMember(int64_t conversation_id, int64_t user_id) = 0;
  // Conversations the user is a member of, most recent activity first.
  virtual Result<std::vector<ConversationSummary>> ListConversations(int64_t user_id) = 0;
  // The same list without last messages and unread counts (left empty and 0): the cursors and
  // counts a device's catch-up needs, at a fraction of the cost.
  virtual Result<std::vector<ConversationSummary>> ListConversationStates(int64_t user_id) = 0;
  // What a device's sync needs, from one snapshot: every membership of the user with whether
  // its state changed after `since`, and the summaries (as ListConversationStates gives them)
  // of the memberships `select` returns true for (called once per membership, before any
  // summary is read); plus the snapshot's SyncPoint. A `since` of another epoch, or after the
  // snapshot's point (a future one), is not accepted: every membership then counts as changed.
  virtual Result<SyncStates> ReadSyncStates(
      int64_t user_id, const std::optional<SyncPoint>& since,
      const std::function<bool(const MembershipState&)>& select) = 0;
  // Reads return messages with their quote and reactions filled in.
  // Up to `limit` messages with seq > after_seq, ascending.
  virtual Result<std::vector<Message>> MessagesAfter(int64_t conversation_id, int64_t after_seq,
                                                     int limit) = 0;
  // Up to `max_messages` messages of `ranges`, from one snapshot: range by range in the given
  // order, ascending seq within each; a range is read to its end before the next is started.
  virtual Result<std::vector<Message>> MessagesInRanges(std::span<const SeqRange> ranges,
                                                        int max_messages) = 0;
  // Up to `limit` messages with seq < before_seq, the newest of them, returned ascending.
  virtual Result<std::vector<Message>> MessagesBefore(int64_t conversation_id, int64_t before_seq,
                                                      int limit) = 0;

  // Brings the search index up to date for up to `limit` queued messages (appended, edited or
  // deleted since), oldest queued first; returns how many it took. Indexing in batches, off
  // the writer, keeps the cost of the index off each send; SearchMessages sees only what was
  // indexed. Blocks for the batch; calls are serialized; never call it inside Write().
  virtual Result<int> IndexQueuedForSearch(int limit) = 0;
  // Indexed messages (IndexQueuedForSearch) matching query.text that query.user_id
  // can read (member, seq >= first_seq, not deleted), newest first. kInvalidArgument if the
  // text holds no searchable word.
  virtual Result<SearchPage> SearchMessages(const SearchQuery& query) = 0;

  // --- groups ---
  // The live group with its member count; kNotFound if none (direct, deleted, missing).
  virtual Result<Group> FindGroup(int64_t conversation_id) = 0;
  // Up to `limit` members with user_id > after_user_id, ascending user id.
  virtual Result<std::vector<Member>> GroupMembers(int64_t conversation_id, int64_t after_user_id,
                                                   int limit) = 0;
  // Pending join requests of a group, oldest first.
  virtual Result<std::vector<JoinRequest>> JoinRequests(int64_t conversation_id) = 0;
  // The group's invites that still work at `now` (unexpired, uses left), oldest first.
  virtual Result<std::vector<GroupInvite>> GroupInvites(int64_t conversation_id, int64_t now) = 0;
  // The group's bans, oldest first.
  virtual Result<std::vector<GroupBan>> GroupBans(int64_t conversation_id) = 0;
  // The directory of public groups as `user_id` sees it: live public groups whose name or topic
  // contains `query` (ASCII case-insensitive; empty: all), with id > after_id, ascending id, at
  // most `limit`; groups the user is banned from are left out.
  virtual Result<std::vector<PublicGroup>> PublicGroups(int64_t user_id, std::string_view query,
                                                        int64_t after_id, int limit) = 0;

  // --- social graph (reads; writes go through WriteTxn) ---
  // Users whose username or display name contains `query` (ASCII case-insensitive), with id
  // > after_id, ascending id, at most `limit`. Password hashes are cleared.
  virtual Result<std::vector<User>> SearchUsers(std::string_view query, int64_t after_id,
                                                int limit) = 0;
  // The user's friends, ascending user id.
  virtual Result<std::vector<Relation>> ListFriends(int64_t user_id) = 0;
  virtual Result<FriendRequests> ListFriendRequests(int64_t user_id) = 0;
  // The users `user_id` has blocked, ascending user id.
  virtual Result<std::vector<Relation>> ListBlocks(int64_t user_id) = 0;
  // The ids of a conversation's members, ascending (empty if there is no such conversation).
  virtual Result<std::vector<int64_t>> MemberIds(int64_t conversation_id) = 0;
  // --- end of social graph ---

  // --- media (reads; writes go through WriteTxn) ---
  // kNotFound "no such upload" / "no such media".
  virtual Result<Upload> FindUpload(std::string_view upload_id) = 0;
  virtual Result<Media> FindMedia(std::string_view media_id) = 0;
  // Whether `user_id` is a member of a conversation holding a message that carries the media,
  // at a seq the member may read (>= first_seq).
  virtual Result<bool> MediaReadableBy(std::string_view media_id, int64_t user_id) = 0;
  // Up to `limit` uploads with expires_at <= now, soonest expired first.
  virtual Result<std::vector<Upload>> ExpiredUploads(int64_t now, int limit) = 0;
  // Up to `limit` media never attached (sent or made an avatar), created before
  // `created_before`, oldest first.
  virtual Result<std::vector<Media>> UnattachedMedia(int64_t created_before, int limit) = 0;
  // Whether any media names `digest` as its bytes or its thumbnail.
  virtual Result<bool> DigestInUse(std::string_view digest) = 0;
  // --- end of media ---

  // --- moments (reads; writes go through WriteTxn) ---
  virtual Result<std::optional<Moment>> FindMoment(int64_t moment_id) = 0;
  // Up to `limit` live moments with id < before_id (0: no bound), newest first, written by
  // `user_id` or by one of their friends: the candidates of a feed page (who may see which is
  // chat/'s rule).
  virtual Result<std::vector<Moment>> FriendMoments(int64_t user_id, int64_t before_id,
                                                    int limit) = 0;
  // The same for the moments of one author.
  virtual Result<std::vector<Moment>> AuthorMoments(int64_t author_id, int64_t before_id,
                                                    int limit) = 0;
  // The likes and comments of the given moments, from one snapshot.
  virtual Result<MomentInteractions> MomentInteractionsOf(std::span<const int64_t> moment_ids) = 0;
  // The live moments that carry the media, ascending id.
  virtual Result<std::vector<int64_t>> MomentsWithMedia(std::string_view media_id) = 0;
  // --- end of moments ---
  // --- sticker packs (reads; writes go through WriteTxn) ---
  // The pack with its stickers, their media filled in; nullopt if none.
  virtual Result<std::optional<StickerPack>> FindStickerPack(std::string_view slug) = 0;
  // The packs the user shows, from one snapshot: the built-in pack, then their collection in
  // its order, each with its stickers and their media.
  virtual Result<std::vector<StickerPack>> StickerCollection(int64_t user_id) = 0;
  // The user's recently sent stickers that they may still send (UsableSticker), most recent
  // first, with their media.
  virtual Result<std::vector<Sticker>> RecentStickers(int64_t user_id) = 0;
  // --- end of sticker packs ---

  // --- administration (sqlite_admin.cc) ---
  // Disables the account at `at` (0 enables it again). kNotFound "no such user".
  virtual Status SetDisabled(int64_t user_id, int64_t at) = 0;
  // Appends an entry (entry.id is ignored) and returns its id.
  virtual Result<int64_t> AddAuditEntry(const AuditEntry& entry) = 0;
  // Up to `limit` entries with id < before_id (0: no bound), newest first.
  virtual Result<std::vector<AuditEntry>> AuditEntries(int64_t before_id, int limit) = 0;
  // Stores a report (report.id and the resolution fields are ignored) and returns its id.
  virtual Result<int64_t> AddReport(const Report& report) = 0;
  // kNotFound "no such report".
  virtual Result<Report> FindReport(int64_t report_id) = 0;
  // Up to `limit` reports with id < before_id (0: no bound), newest first; only the open ones
  // (not resolved) when `open_only`.
  virtual Result<std::vector<Report>> ListReports(bool open_only, int64_t before_id, int limit) = 0;
  // Marks an open report resolved. False if it was resolved already (nothing changes);
  // kNotFound "no such report".
  virtual Result<bool> ResolveReport(int64_t report_id, int64_t resolved_by,
                                     std::string_view resolution, int64_t at) = 0;
  // Counts of the whole server, from one snapshot. Reads every table it counts: for admins,
  // not for hot paths.
  virtual Result<ServerStats> CountStats() = 0;
  // --- end of administration ---
  // --- retention (sqlite_retention.cc) ---
  // The conversation's policy and pruned ranges. kNotFound "no such conversation".
  virtual Result<ConversationRetention> FindRetention(int64_t conversation_id) = 0;
  // Up to `limit` live conversations with id > after_id, ascending id (to walk them in pages).
  virtual Result<std::vector<ConversationRetention>> RetentionStates(int64_t after_id,
                                                                     int limit) = 0;
  // Removes, in ONE short write transaction, up to `batch` messages of the conversation that
  // `limits` marks as due, ascending seq from its pruned range on, stopping at the first that
  // is not: their reactions, media links (a media no message, moment or avatar holds any more
  // becomes unattached: media cleanup removes it and its blobs) and search entries (queued for
  // removal) go with them. Records the new pruned range, and the unread arithmetic keeps
  // counting only what remains. A policy may empty a conversation; seqs are never reused.
  virtual Result<PruneStep> PruneMessages(int64_t conversation_id, const PruneLimits& limits,
                                          int batch) = 0;
  // The same for media only: messages created before `created_before` lose their attachment
  // (the message, its text and its seq stay). Records the media pruned range.
  virtual Result<PruneStep> PruneMedia(int64_t conversation_id, int64_t created_before,
                                       int batch) = 0;

  // --- writes that must be grouped (messages, cursors) ---
  virtual Status Write(const std::function<Status(WriteTxn&)>& body) = 0;
};

struct SqliteOptions {
  std::string path;              // database file; ":memory:" is not supported (WAL needs a file)
  bool synchronous_full = true;  // fsync on every commit (power-loss safe); false: NORMAL
  int busy_timeout_ms = 5000;
};

// Opens (creating if needed) the SQLite store and applies pending schema migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

struct PostgresOptions {
  std::string conninfo;  // a libpq connection string or a postgres:// URI
};

// Connects to the PostgreSQL store (store/postgres/, library parley_store_postgres) and applies
// pending schema migrations; several nodes may open the same database. kUnavailable if the
// server cannot be reached, kInvalidArgument for a malformed conninfo.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace parley::store

#endif  // PARLEY_STORE_STORE_H_
