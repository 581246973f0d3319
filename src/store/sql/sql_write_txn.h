// SqlWriteTxn: the WriteTxn of the SQLite store. Store::Write creates one on the writer
// connection, inside the IMMEDIATE transaction it opened, and passes it to the body.
//
// - Thread-safety: none of its own; it is used only by the thread running Store::Write, which
//   holds the writer lock for the whole call. It borrows the writer Db (not owned), and is
//   valid only during that Write call.
// - Each operation either takes full effect or none: multi-statement operations (Append,
//   DirectConversation) run under a SAVEPOINT, so an expected failure (kConflict, kNotFound,
//   kInvalidArgument) leaves the transaction as it was and the body may carry on.
// - A storage failure (kInternal) poisons the transaction: failure() returns it, every later
//   operation returns it without touching the database, and Write() rolls back whatever the
//   body returns. (After some SQLite errors the transaction is already gone; carrying on would
//   run later statements outside any transaction.)
#ifndef PARLEY_STORE_SQL_SQLITE_WRITE_TXN_H_
#define PARLEY_STORE_SQL_SQLITE_WRITE_TXN_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/sql/rows.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace parley::store::sql {

class SqlWriteTxn final : public WriteTxn {
 public:
  explicit SqlWriteTxn(Db& db) : db_(db) {}

  // OK, or the first kInternal failure of any operation (then Write() must roll back).
  const Status& failure() const { return failure_; }

  Result<int64_t> LockRules(RulesLock mode) override;
  Status BumpRules() override;
  Result<int64_t> DirectConversation(int64_t user_a, int64_t user_b) override;
  Result<std::vector<Member>> Members(int64_t conversation_id) override;
  Result<std::optional<Message>> FindByClientId(int64_t sender_id,
                                                std::string_view client_id) override;
  Result<Message> Append(Message message) override;
  Result<std::optional<Message>> FindMessage(int64_t conversation_id, int64_t seq) override;
  Status EditMessage(int64_t conversation_id, int64_t seq, std::string_view text,
                     int64_t edited_at) override;
  Status DeleteMessage(int64_t conversation_id, int64_t seq) override;
  Result<int64_t> ReactionCount(int64_t conversation_id, int64_t seq, int64_t user_id) override;
  Result<bool> SetReaction(int64_t conversation_id, int64_t seq, int64_t user_id,
                           std::string_view emoji, bool on, int64_t at) override;
  Result<CursorAdvance> AdvanceCursors(int64_t conversation_id, int64_t user_id,
                                       int64_t delivered_seq, int64_t read_seq) override;
  Status SenderRead(int64_t conversation_id, int64_t user_id, int64_t seq) override;
  Status Atomically(const std::function<Status()>& body) override;
  Result<ConversationKind> KindOf(int64_t conversation_id) override;
  Result<bool> AreFriends(int64_t user_a, int64_t user_b) override;
  Result<bool> HasBlocked(int64_t blocker, int64_t blocked) override;
  Result<std::vector<int64_t>> BlockPeers(int64_t user_id) override;
  Result<int64_t> SystemConversation(int64_t user_id) override;

  // --- groups --- (sql_groups.cc)
  Result<int64_t> CreateGroup(const Group& group) override;
  Result<Group> FindGroup(int64_t conversation_id) override;
  Status UpdateGroup(const Group& group) override;
  Status DeleteGroup(int64_t conversation_id) override;
  Status AddMember(int64_t conversation_id, const Member& member, int64_t joined_at) override;
  Status RemoveMember(int64_t conversation_id, int64_t user_id) override;
  Status UpdateMember(int64_t conversation_id, const Member& member) override;
  Status CreateInvite(const GroupInvite& invite) override;
  Result<GroupInvite> FindInvite(std::string_view code) override;
  Status UseInvite(std::string_view code) override;
  Result<bool> RemoveInvite(int64_t conversation_id, std::string_view code) override;
  Result<bool> AddBan(const GroupBan& ban) override;
  Result<bool> RemoveBan(int64_t conversation_id, int64_t user_id) override;
  Result<bool> IsBanned(int64_t conversation_id, int64_t user_id) override;
  Status AddJoinRequest(const JoinRequest& request) override;
  Status RemoveJoinRequest(int64_t conversation_id, int64_t user_id) override;

  // Social graph writes: sql_write_txn_social.cc.
  Result<User> FindUser(int64_t user_id) override;
  Result<std::optional<FriendRequest>> FindFriendRequest(int64_t from_id, int64_t to_id) override;
  Status AddFriendRequest(const FriendRequest& request) override;
  Result<bool> RemoveFriendRequest(int64_t from_id, int64_t to_id) override;
  Status AddFriendship(int64_t user_a, int64_t user_b, int64_t since) override;
  Result<bool> RemoveFriendship(int64_t user_a, int64_t user_b) override;
  Result<bool> AddBlock(int64_t blocker, int64_t blocked, int64_t at) override;
  Result<bool> RemoveBlock(int64_t blocker, int64_t blocked) override;
  Result<User> UpdateProfile(int64_t user_id, const ProfileUpdate& update) override;
  Status SetLastSeen(int64_t user_id, int64_t at) override;
  Result<std::vector<int64_t>> FriendIds(int64_t user_id) override;

  // --- media --- (sql_media.cc)
  Status CreateUpload(const Upload& upload) override;
  Result<Upload> FindUpload(std::string_view upload_id) override;
  Status SetUploadReceived(std::string_view upload_id, int64_t received) override;
  Result<bool> RemoveUpload(std::string_view upload_id) override;
  Result<int64_t> MediaBytes(int64_t owner_id) override;
  Status CreateMedia(const Media& media) override;
  Result<Media> FindMedia(std::string_view media_id) override;
  Status AttachMedia(std::string_view media_id, int64_t conversation_id, int64_t seq,
                     int64_t at) override;
  Status MakeMediaPublic(std::string_view media_id, int64_t at) override;
  Result<std::vector<std::string>> RemoveMedia(std::string_view media_id) override;

  // --- moments --- (sql_moments.cc)
  Result<int64_t> AddMoment(const Moment& moment) override;
  Result<std::optional<Moment>> FindMoment(int64_t moment_id) override;
  Status SetMomentAudience(int64_t moment_id, MomentAudience audience,
                           const std::vector<int64_t>& users) override;
  Status DeleteMoment(int64_t moment_id) override;
  Result<bool> SetMomentLike(int64_t moment_id, int64_t user_id, bool on, int64_t at) override;
  Result<int64_t> AddMomentComment(const MomentComment& comment) override;
  Result<std::optional<MomentComment>> FindMomentComment(int64_t comment_id) override;
  Status DeleteMomentComment(int64_t comment_id) override;

  // --- sticker packs --- (sql_stickers.cc)
  Result<int64_t> CreateStickerPack(const StickerPack& pack) override;
  Result<std::optional<StickerPack>> FindStickerPack(std::string_view slug) override;
  Result<int64_t> OwnedStickerPackCount(int64_t user_id) override;
  Result<int64_t> CollectedStickerPackCount(int64_t user_id) override;
  Status DeleteStickerPack(int64_t pack_id) override;
  Result<int64_t> AddSticker(const Sticker& sticker, int64_t at) override;
  Status RemoveSticker(int64_t pack_id, int64_t sticker_id) override;
  Status SetStickerOrder(int64_t pack_id, const std::vector<int64_t>& sticker_ids) override;
  Result<bool> SetStickerPackCollected(int64_t user_id, int64_t pack_id, bool on) override;
  Status SetStickerCollectionOrder(int64_t user_id, const std::vector<int64_t>& pack_ids) override;
  Result<std::optional<Sticker>> UsableSticker(int64_t user_id, int64_t sticker_id) override;
  Status TouchRecentSticker(int64_t user_id, int64_t sticker_id, int64_t at, int keep) override;

  // --- deleting an account --- (sql_erase_account.cc)
  Result<std::vector<std::string>> EraseAccount(int64_t user_id,
                                                std::string_view shown_name) override;

  // --- retention --- (sql_retention.cc)
  Status SetRetention(int64_t conversation_id, const RetentionPolicy& policy) override;

 private:
  // Runs one statement (binding with `bind`) under Guarded; `changes_or` is returned when it
  // changed no row (OK when it is OK). Unique and foreign-key violations become `conflict` and
  // `missing`.
  Status RunGroupWrite(std::string_view op, std::string_view sql,
                       const std::function<void(Statement&)>& bind, Status no_change,
                       Status conflict = Status(Code::kConflict, "already exists"),
                       Status missing = Status(Code::kNotFound, "no such user"));

  // Returns failure_ if poisoned; else runs `fn` and poisons on a kInternal result.
  template <typename T, typename Fn>
  Result<T> Guarded(Fn&& fn);
  // Runs `fn` inside a SAVEPOINT, rolled back to if `fn` fails.
  template <typename T, typename Fn>
  Result<T> InSavepoint(std::string_view op, Fn&& fn);
  Status RunSql(std::string_view sql);
  // The same through Statement::RunLater: for what only fails when the transaction must.
  Status RunSqlLater(std::string_view sql);
  // Whether the statement `sql`, with ?1 and ?2 bound, yields a row.
  Result<bool> Exists(std::string_view op, std::string_view sql, int64_t first, int64_t second);

  // The conversation under the unique `key` (direct_key), created with `members` if there is
  // none, also when a writer on another node creates it at the same time.
  Result<int64_t> FindOrCreateKeyed(std::string_view op, ConversationKind kind,
                                    const std::string& key, std::initializer_list<int64_t> members);
  Result<int64_t> FindKeyed(const std::string& key);
  // kConflict if a conversation with `key` exists.
  Result<int64_t> CreateKeyed(std::string_view op, ConversationKind kind, const std::string& key,
                              std::initializer_list<int64_t> members);
  Result<Message> AppendRow(Message message);
  // Queues the message for (re)indexing by the search index (search_index.h).
  Status QueueForSearch(std::string_view op, int64_t conversation_id, int64_t seq);
  // Drops the media link of a message being deleted (sql_write_txn_ops.cc).
  Status UnlinkMedia(std::string_view op, int64_t conversation_id, int64_t seq);
  Result<bool> ConversationExists(std::string_view op, int64_t conversation_id);
  // The sync count (migration 16) the message path (AppendRow, AdvanceCursors: the only
  // writers of last_seq and the cursors, which no trigger watches) stamps the rows it changes
  // with, in the same statements: the clock bumped once per transaction, on first use. Safe:
  // it is above every count a reader could have seen before this transaction commits.
  Result<int64_t> SyncStamp(std::string_view op);
  // Runs a write statement with ?1 and ?2 bound; returns how many rows it changed (via
  // RETURNING rows, which `sql` must have).
  Result<int> Change(std::string_view op, std::string_view sql, int64_t first, int64_t second,
                     std::optional<int64_t> third = std::nullopt);

  Db& db_;  // the writer connection, not owned
  Status failure_;
  int64_t sync_stamp_ = 0;  // 0: not drawn yet
};

// The templates are defined here, as every file implementing an operation uses them.
template <typename T, typename Fn>
inline Result<T> SqlWriteTxn::Guarded(Fn&& fn) {
  if (!failure_.ok()) return failure_;
  Result<T> result = fn();
  if (!result.ok() && result.status().code() == Code::kInternal) failure_ = result.status();
  return result;
}

template <typename T, typename Fn>
inline Result<T> SqlWriteTxn::InSavepoint(std::string_view op, Fn&& fn) {
  if (Status s = RunSqlLater("SAVEPOINT write_step"); !s.ok()) return StoreFailure(op, s);
  Result<T> result = fn();
  if (!result.ok()) {
    // ROLLBACK TO keeps the savepoint open; RELEASE below ends it either way.
    if (Status s = RunSql("ROLLBACK TO write_step"); !s.ok()) return StoreFailure(op, s);
  }
  if (Status s = RunSqlLater("RELEASE write_step"); !s.ok()) return StoreFailure(op, s);
  return result;
}

}  // namespace parley::store::sql

#endif  // PARLEY_STORE_SQL_SQLITE_WRITE_TXN_H_
