// SqlStore: the Store (see store/store.h for the contract) written once in SQL, over either
// driver of store/sql/sql_db.h. Each database completes it with what only it can do (message
// search): SqliteStore (store/sqlite/sqlite_store.h) and PgStore (store/postgres/pg_store.h).
// This header is internal to store/.
//
// Connections and threads
// - One writer connection, guarded by write_mu_: Write() and every single-statement write
//   (CreateUser, CreateDevice, Revoke*, TouchDevice, SetPasswordHash) run on it, one at a time.
// - Reads run on connections from a pool, one per concurrently reading thread. They see the
//   last commit and never wait for the writer's open transaction (SQLite's WAL, PostgreSQL's
//   MVCC).
// - Write() is not re-entrant: calling Write() or any other write method from inside a Write
//   body (same thread) returns kInternal instead of deadlocking. Reads inside a body are fine,
//   but they see the last committed state, not the body's own uncommitted changes.
//
// Ownership: the store owns its connections; destroying it closes them. It must outlive every
// call in progress.
#ifndef PARLEY_STORE_SQL_SQL_STORE_H_
#define PARLEY_STORE_SQL_SQL_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "base/status.h"
#include "store/sql/connection_pool.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace parley::store::sql {

class SqlStore : public Store {
 public:
  // `writer` has the schema applied; `open_reader` opens the pool's connections.
  SqlStore(std::unique_ptr<Db> writer, ConnectionPool::Opener open_reader);

  Result<User> CreateUser(const NewUser& user) override;
  Result<User> FindUserById(int64_t id) override;
  Result<User> FindUserByName(std::string_view username) override;
  Status SetPasswordHash(int64_t user_id, std::string_view password_hash) override;

  Result<Device> CreateDevice(const NewDevice& device) override;
  Result<Device> FindDeviceByTokenHash(std::string_view token_hash, int64_t now) override;
  Result<std::vector<Device>> ListDevices(int64_t user_id, int64_t now) override;
  Status RevokeDevice(int64_t user_id, int64_t device_id) override;
  Status RevokeOtherDevices(int64_t user_id, int64_t keep_device_id) override;
  Status TouchDevice(int64_t device_id, int64_t now) override;

  // E-mail addresses and single-use tokens: sql_accounts.cc.
  Result<std::optional<AccountEmail>> FindEmail(int64_t user_id) override;
  Status SetEmail(int64_t user_id, std::string_view address, int64_t now) override;
  Result<bool> MarkEmailVerified(int64_t user_id, std::string_view address) override;
  Result<std::optional<int64_t>> UserWithVerifiedEmail(std::string_view address) override;
  Status AddToken(const OneTimeToken& token) override;
  Result<std::optional<OneTimeToken>> TakeToken(std::string_view token_hash, TokenPurpose purpose,
                                                int64_t now) override;
  Status RemoveTokens(int64_t user_id, TokenPurpose purpose) override;
  Result<std::optional<int64_t>> FindIdentityUser(std::string_view provider,
                                                  std::string_view subject) override;
  Status AddIdentity(const OidcIdentity& identity) override;
  Result<std::vector<OidcIdentity>> ListIdentities(int64_t user_id) override;
  Status RemoveIdentity(int64_t user_id, std::string_view provider,
                        std::string_view subject) override;
  Result<std::optional<ScramCredentials>> FindScramCredentials(int64_t user_id) override;
  Status SetScramCredentials(int64_t user_id, const ScramCredentials& credentials) override;
  Result<std::optional<TotpSecret>> FindTotp(int64_t user_id) override;
  Status StartTotp(int64_t user_id, std::string_view sealed_seed, int64_t now) override;
  Result<bool> EnableTotp(int64_t user_id, int64_t step,
                          const std::vector<std::string>& recovery_code_hashes) override;
  Result<bool> AcceptTotpStep(int64_t user_id, int64_t step) override;
  Status RemoveTotp(int64_t user_id) override;
  Status ResealTotp(int64_t user_id, std::string_view sealed_seed) override;
  Result<std::vector<int64_t>> TotpUserIdsAfter(int64_t after_id, int limit) override;
  Status ReplaceRecoveryCodes(int64_t user_id,
                              const std::vector<std::string>& code_hashes) override;
  Result<bool> TakeRecoveryCode(int64_t user_id, std::string_view code_hash) override;
  Result<int64_t> RecoveryCodeCount(int64_t user_id) override;

  Result<std::vector<ConversationSummary>> ListConversations(int64_t user_id) override;
  Result<std::vector<ConversationSummary>> ListConversationStates(int64_t user_id) override;
  Result<SyncStates> ReadSyncStates(
      int64_t user_id, const std::optional<SyncPoint>& since,
      const std::function<bool(const MembershipState&)>& select) override;  // sql_sync_states.cc
  Result<std::vector<Message>> MessagesAfter(int64_t conversation_id, int64_t after_seq,
                                             int limit) override;
  Result<std::vector<Message>> MessagesInRanges(std::span<const SeqRange> ranges,
                                                int max_messages) override;
  Result<std::vector<Message>> MessagesBefore(int64_t conversation_id, int64_t before_seq,
                                              int limit) override;

  Status Write(const std::function<Status(WriteTxn&)>& body) override;
  Status SetAdmin(int64_t user_id, bool is_admin) override;
  Result<bool> HasAdmin() override;
  Result<std::vector<int64_t>> UserIdsAfter(int64_t after_id, int limit) override;

  // administration (sql_admin.cc)
  Status SetDisabled(int64_t user_id, int64_t at) override;
  Result<int64_t> AddAuditEntry(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> AuditEntries(int64_t before_id, int limit) override;
  Result<int64_t> AddReport(const Report& report) override;
  Result<Report> FindReport(int64_t report_id) override;
  Result<std::vector<Report>> ListReports(bool open_only, int64_t before_id, int limit) override;
  Result<bool> ResolveReport(int64_t report_id, int64_t resolved_by, std::string_view resolution,
                             int64_t at) override;
  Result<ServerStats> CountStats() override;

  // Social graph reads: sql_social.cc.
  Result<std::vector<User>> SearchUsers(std::string_view query, int64_t after_id,
                                        int limit) override;
  Result<std::vector<Relation>> ListFriends(int64_t user_id) override;
  Result<FriendRequests> ListFriendRequests(int64_t user_id) override;
  Result<std::vector<Relation>> ListBlocks(int64_t user_id) override;
  Result<std::vector<int64_t>> MemberIds(int64_t conversation_id) override;
  Result<std::optional<Member>> FindMember(int64_t conversation_id, int64_t user_id) override;
  // --- groups --- (sql_groups.cc)
  Result<Group> FindGroup(int64_t conversation_id) override;
  Result<std::vector<Member>> GroupMembers(int64_t conversation_id, int64_t after_user_id,
                                           int limit) override;
  Result<std::vector<JoinRequest>> JoinRequests(int64_t conversation_id) override;
  Result<std::vector<PublicGroup>> PublicGroups(int64_t user_id, std::string_view query,
                                                int64_t after_id, int limit) override;
  Result<std::vector<GroupInvite>> GroupInvites(int64_t conversation_id, int64_t now) override;
  Result<std::vector<GroupBan>> GroupBans(int64_t conversation_id) override;
  // --- media --- (sql_media.cc)
  Result<Upload> FindUpload(std::string_view upload_id) override;
  Result<Media> FindMedia(std::string_view media_id) override;
  Result<bool> MediaReadableBy(std::string_view media_id, int64_t user_id) override;
  Result<std::vector<Upload>> ExpiredUploads(int64_t now, int limit) override;
  Result<std::vector<Media>> UnattachedMedia(int64_t created_before, int limit) override;
  Result<bool> DigestInUse(std::string_view digest) override;
  // --- moments --- (sql_moments.cc)
  Result<std::optional<Moment>> FindMoment(int64_t moment_id) override;
  Result<std::vector<Moment>> FriendMoments(int64_t user_id, int64_t before_id, int limit) override;
  Result<std::vector<Moment>> AuthorMoments(int64_t author_id, int64_t before_id,
                                            int limit) override;
  Result<MomentInteractions> MomentInteractionsOf(std::span<const int64_t> moment_ids) override;
  Result<std::vector<int64_t>> MomentsWithMedia(std::string_view media_id) override;
  // --- sticker packs --- (sql_stickers.cc)
  Result<std::optional<StickerPack>> FindStickerPack(std::string_view slug) override;
  Result<std::vector<StickerPack>> StickerCollection(int64_t user_id) override;
  Result<std::vector<Sticker>> RecentStickers(int64_t user_id) override;
  // --- retention --- (sql_retention.cc)
  Result<ConversationRetention> FindRetention(int64_t conversation_id) override;
  Result<std::vector<ConversationRetention>> RetentionStates(int64_t after_id, int limit) override;
  Result<PruneStep> PruneMessages(int64_t conversation_id, const PruneLimits& limits,
                                  int batch) override;
  Result<PruneStep> PruneMedia(int64_t conversation_id, int64_t created_before, int batch) override;

 protected:
  // Opens one reader connection ahead of the first read, so a broken database fails at open.
  Status WarmUp();

  // Runs fn(writer) under write_mu_; refuses (kInternal) when called from inside Write().
  template <typename Fn>
  std::invoke_result_t<Fn, Db&> WithWriter(std::string_view op, Fn&& fn);
  // Runs fn(reader) on a pooled read connection; once more if it failed kUnavailable (a pooled
  // connection found dead, say after a database restart, reconnects on the second try: a read
  // is safe to repeat).
  template <typename Fn>
  std::invoke_result_t<Fn, Db&> WithReader(std::string_view op, Fn&& fn);

 private:
  Result<User> FindUser(std::string_view op, std::string_view sql,
                        const std::function<void(Statement&)>& bind);
  Result<std::vector<ConversationSummary>> ReadConversationList(int64_t user_id,
                                                                bool with_last_messages);
  Result<std::vector<ConversationSummary>> ListConversationsOn(Db& db, int64_t user_id,
                                                               bool with_last_messages);
  Status FillOthers(Db& db, int64_t user_id, std::vector<ConversationSummary>& summaries);
  Status FillGroupCounts(Db& db, int64_t user_id, std::vector<ConversationSummary>& summaries);
  Status FillLastMessageExtras(Db& db, int64_t user_id,
                               std::vector<ConversationSummary>& summaries);

  Result<std::vector<Relation>> ListRelations(std::string_view op, std::string_view table_sql,
                                              int64_t user_id);

  std::mutex write_mu_;
  std::unique_ptr<Db> writer_;  // guarded by write_mu_
  // The thread holding write_mu_, so a nested call fails instead of self-deadlocking.
  std::atomic<std::thread::id> writer_thread_;
  ConnectionPool readers_;  // declared after writer_: closed first, the writer closes last
  // Names the history of sync points this open of the store hands out
  // (store::SyncPoint::epoch): random, never reused. The sync clock lives in the database, but
  // a database restored from a backup counts again from an older version, and a device that
  // syncs with another node or after a restart simply gets a full sync.
  const std::string sync_epoch_;
};

template <typename Fn>
std::invoke_result_t<Fn, Db&> SqlStore::WithWriter(std::string_view op, Fn&& fn) {
  using R = std::invoke_result_t<Fn, Db&>;
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return R(Status(Code::kInternal,
                    "store: " + std::string(op) + ": called inside Store::Write (not supported)"));
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  writer_thread_.store(std::this_thread::get_id());
  struct ClearOnExit {
    std::atomic<std::thread::id>& owner;
    ~ClearOnExit() { owner.store(std::thread::id()); }
  } clear{writer_thread_};
  return fn(*writer_);
}

template <typename Fn>
std::invoke_result_t<Fn, Db&> SqlStore::WithReader(std::string_view op, Fn&& fn) {
  using R = std::invoke_result_t<Fn, Db&>;
  Result<ConnectionPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return R(DbFailure("store: " + std::string(op), lease.status()));
  R result = fn(lease->db());
  const Code code = [&] {
    if constexpr (std::is_same_v<R, Status>) {
      return result.code();
    } else {
      return result.ok() ? Code::kOk : result.status().code();
    }
  }();
  if (code != Code::kUnavailable) return result;
  return fn(lease->db());
}

}  // namespace parley::store::sql

#endif  // PARLEY_STORE_SQL_SQL_STORE_H_
