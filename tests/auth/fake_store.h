// FakeStore: an in-memory store::Store for auth/ unit tests.
//
// Implements the account and device half of store.h's contract (case-insensitive unique
// usernames, the admin role, only unexpired and unrevoked devices are found or listed, newest
// first, kNotFound for someone else's device); the conversation methods return kInternal.
// Thread-safe (one mutex). `fail_with` makes every call fail with that code, to test error
// propagation.
#ifndef PARLEY_TESTS_AUTH_FAKE_STORE_H_
#define PARLEY_TESTS_AUTH_FAKE_STORE_H_

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/validation.h"
#include "store/store.h"

namespace parley::auth {

class FakeStore : public store::Store {
 public:
  std::optional<Code> fail_with;  // set before use; not synchronised

  Result<store::User> CreateUser(const store::NewUser& user) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    for (const auto& [id, existing] : users_) {
      if (CanonicalUsername(existing.username) == CanonicalUsername(user.username)) {
        return Status(Code::kConflict, "username taken");
      }
    }
    store::User created{next_user_id_++, user.username, user.display_name, user.password_hash,
                        user.created_at};
    users_[created.id] = created;
    return created;
  }

  Result<store::User> FindUserById(int64_t id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = users_.find(id);
    if (it == users_.end()) return Status(Code::kNotFound, "no such user");
    return it->second;
  }

  Result<store::User> FindUserByName(std::string_view username) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    for (const auto& [id, user] : users_) {
      if (CanonicalUsername(user.username) == CanonicalUsername(username)) return user;
    }
    return Status(Code::kNotFound, "no such user");
  }

  Status SetPasswordHash(int64_t user_id, std::string_view password_hash) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = users_.find(user_id);
    if (it == users_.end()) return Status(Code::kNotFound, "no such user");
    it->second.password_hash = std::string(password_hash);
    scram_.erase(user_id);
    return Status::Ok();
  }

  Result<std::optional<store::ScramCredentials>> FindScramCredentials(int64_t user_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = scram_.find(user_id);
    if (it == scram_.end()) return std::optional<store::ScramCredentials>();
    return std::optional<store::ScramCredentials>(it->second);
  }

  Status SetScramCredentials(int64_t user_id, const store::ScramCredentials& credentials) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    if (!users_.contains(user_id)) return Status(Code::kNotFound, "no such user");
    scram_[user_id] = credentials;
    return Status::Ok();
  }

  Result<store::Device> CreateDevice(const store::NewDevice& device) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    Row row;
    row.device = {next_device_id_++, device.user_id,    device.name,
                  device.created_at, device.created_at, device.expires_at};
    row.token_hash = device.token_hash;
    devices_[row.device.id] = row;
    return row.device;
  }

  Result<store::Device> FindDeviceByTokenHash(std::string_view token_hash, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    for (const auto& [id, row] : devices_) {
      if (row.token_hash == token_hash && Active(row, now)) return row.device;
    }
    return Status(Code::kNotFound, "no such device");
  }

  Result<std::vector<store::Device>> ListDevices(int64_t user_id, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    std::vector<store::Device> out;
    for (auto it = devices_.rbegin(); it != devices_.rend(); ++it) {  // newest (highest id) first
      if (it->second.device.user_id == user_id && Active(it->second, now)) {
        out.push_back(it->second.device);
      }
    }
    return out;
  }

  Status RevokeDevice(int64_t user_id, int64_t device_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = devices_.find(device_id);
    if (it == devices_.end() || it->second.device.user_id != user_id || it->second.revoked) {
      return Status(Code::kNotFound, "no such device");
    }
    it->second.revoked = true;
    return Status::Ok();
  }

  Status RevokeOtherDevices(int64_t user_id, int64_t keep_device_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    for (auto& [id, row] : devices_) {
      if (row.device.user_id == user_id && id != keep_device_id) row.revoked = true;
    }
    return Status::Ok();
  }

  Status TouchDevice(int64_t device_id, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = devices_.find(device_id);
    if (it == devices_.end()) return Status(Code::kNotFound, "no such device");
    it->second.device.last_seen_at = now;
    return Status::Ok();
  }

  Result<std::optional<store::Member>> FindMember(int64_t, int64_t) override {
    return Unsupported();
  }
  Status SetAdmin(int64_t user_id, bool is_admin) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = users_.find(user_id);
    if (it == users_.end()) return Status(Code::kNotFound, "no such user");
    it->second.is_admin = is_admin;
    return Status::Ok();
  }
  Result<bool> HasAdmin() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    return std::any_of(users_.begin(), users_.end(),
                       [](const auto& entry) { return entry.second.is_admin; });
  }
  Result<std::vector<int64_t>> UserIdsAfter(int64_t, int) override { return Unsupported(); }
  Status SetDisabled(int64_t user_id, int64_t at) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_with) return Failure();
    auto it = users_.find(user_id);
    if (it == users_.end()) return Status(Code::kNotFound, "no such user");
    it->second.disabled_at = at;
    return Status::Ok();
  }
  Result<int64_t> AddAuditEntry(const store::AuditEntry&) override { return Unsupported(); }
  Result<std::vector<store::AuditEntry>> AuditEntries(int64_t, int) override {
    return Unsupported();
  }
  Result<int64_t> AddReport(const store::Report&) override { return Unsupported(); }
  Result<store::Report> FindReport(int64_t) override { return Unsupported(); }
  Result<std::vector<store::Report>> ListReports(bool, int64_t, int) override {
    return Unsupported();
  }
  Result<bool> ResolveReport(int64_t, int64_t, std::string_view, int64_t) override {
    return Unsupported();
  }
  Result<store::ServerStats> CountStats() override { return Unsupported(); }
  Result<std::vector<store::ConversationSummary>> ListConversations(int64_t) override {
    return Unsupported();
  }
  Result<std::vector<store::ConversationSummary>> ListConversationStates(int64_t) override {
    return Unsupported();
  }
  Result<store::SyncStates> ReadSyncStates(
      int64_t, const std::optional<store::SyncPoint>&,
      const std::function<bool(const store::MembershipState&)>&) override {
    return Unsupported();
  }
  Result<std::vector<store::Message>> MessagesAfter(int64_t, int64_t, int) override {
    return Unsupported();
  }
  Result<std::vector<store::Message>> MessagesInRanges(std::span<const store::SeqRange>,
                                                       int) override {
    return Unsupported();
  }
  Result<std::vector<store::Message>> MessagesBefore(int64_t, int64_t, int) override {
    return Unsupported();
  }
  Result<int> IndexQueuedForSearch(int) override { return Unsupported(); }
  Result<store::SearchPage> SearchMessages(const store::SearchQuery&) override {
    return Unsupported();
  }
  Result<store::Group> FindGroup(int64_t) override { return Unsupported(); }
  Result<std::vector<store::Member>> GroupMembers(int64_t, int64_t, int) override {
    return Unsupported();
  }
  Result<std::vector<store::JoinRequest>> JoinRequests(int64_t) override { return Unsupported(); }
  Result<std::vector<store::PublicGroup>> PublicGroups(int64_t, std::string_view, int64_t,
                                                       int) override {
    return Unsupported();
  }
  Result<std::vector<store::GroupInvite>> GroupInvites(int64_t, int64_t) override {
    return Unsupported();
  }
  Result<std::vector<store::GroupBan>> GroupBans(int64_t) override { return Unsupported(); }
  Result<store::Upload> FindUpload(std::string_view) override { return Unsupported(); }
  Result<store::Media> FindMedia(std::string_view) override { return Unsupported(); }
  Result<bool> MediaReadableBy(std::string_view, int64_t) override { return Unsupported(); }
  Result<std::vector<store::Upload>> ExpiredUploads(int64_t, int) override { return Unsupported(); }
  Result<std::vector<store::Media>> UnattachedMedia(int64_t, int) override { return Unsupported(); }
  Result<bool> DigestInUse(std::string_view) override { return Unsupported(); }
  Result<std::optional<store::Moment>> FindMoment(int64_t) override { return Unsupported(); }
  Result<std::vector<store::Moment>> FriendMoments(int64_t, int64_t, int) override {
    return Unsupported();
  }
  Result<std::vector<store::Moment>> AuthorMoments(int64_t, int64_t, int) override {
    return Unsupported();
  }
  Result<store::MomentInteractions> MomentInteractionsOf(std::span<const int64_t>) override {
    return Unsupported();
  }
  Result<std::vector<int64_t>> MomentsWithMedia(std::string_view) override { return Unsupported(); }
  Result<std::optional<store::StickerPack>> FindStickerPack(std::string_view) override {
    return Unsupported();
  }
  Result<std::vector<store::StickerPack>> StickerCollection(int64_t) override {
    return Unsupported();
  }
  Result<std::vector<store::Sticker>> RecentStickers(int64_t) override { return Unsupported(); }
  Result<store::ConversationRetention> FindRetention(int64_t) override { return Unsupported(); }
  Result<std::vector<store::ConversationRetention>> RetentionStates(int64_t, int) override {
    return Unsupported();
  }
  Result<store::PruneStep> PruneMessages(int64_t, const store::PruneLimits&, int) override {
    return Unsupported();
  }
  Result<store::PruneStep> PruneMedia(int64_t, int64_t, int) override { return Unsupported(); }
  Status Write(const std::function<Status(store::WriteTxn&)>&) override { return Unsupported(); }
  Result<std::vector<store::User>> SearchUsers(std::string_view, int64_t, int) override {
    return Unsupported();
  }
  Result<std::vector<store::Relation>> ListFriends(int64_t) override { return Unsupported(); }
  Result<store::FriendRequests> ListFriendRequests(int64_t) override { return Unsupported(); }
  Result<std::vector<store::Relation>> ListBlocks(int64_t) override { return Unsupported(); }
  Result<std::vector<int64_t>> MemberIds(int64_t) override { return Unsupported(); }
  // E-mail and single-use tokens are tested against the real store (tests/account).
  Result<std::optional<store::AccountEmail>> FindEmail(int64_t) override { return Unsupported(); }
  Status SetEmail(int64_t, std::string_view, int64_t) override { return Unsupported(); }
  Result<bool> MarkEmailVerified(int64_t, std::string_view) override { return Unsupported(); }
  Result<std::optional<int64_t>> UserWithVerifiedEmail(std::string_view) override {
    return Unsupported();
  }
  Status AddToken(const store::OneTimeToken&) override { return Unsupported(); }
  Result<std::optional<store::OneTimeToken>> TakeToken(std::string_view, store::TokenPurpose,
                                                       int64_t) override {
    return Unsupported();
  }
  Status RemoveTokens(int64_t, store::TokenPurpose) override { return Unsupported(); }
  // Two-step sign-in is tested against the real store (tests/store, tests/account).
  Result<std::optional<store::TotpSecret>> FindTotp(int64_t) override { return Unsupported(); }
  Status StartTotp(int64_t, std::string_view, int64_t) override { return Unsupported(); }
  Result<bool> EnableTotp(int64_t, int64_t, const std::vector<std::string>&) override {
    return Unsupported();
  }
  Result<bool> AcceptTotpStep(int64_t, int64_t) override { return Unsupported(); }
  Status RemoveTotp(int64_t) override { return Unsupported(); }
  Status ResealTotp(int64_t, std::string_view) override { return Unsupported(); }
  Result<std::vector<int64_t>> TotpUserIdsAfter(int64_t, int) override { return Unsupported(); }
  Status ReplaceRecoveryCodes(int64_t, const std::vector<std::string>&) override {
    return Unsupported();
  }
  Result<bool> TakeRecoveryCode(int64_t, std::string_view) override { return Unsupported(); }
  Result<int64_t> RecoveryCodeCount(int64_t) override { return Unsupported(); }
  // Linked identities are tested against the real store (tests/store, tests/e2e/oidc_test.cc).
  Result<std::optional<int64_t>> FindIdentityUser(std::string_view, std::string_view) override {
    return Unsupported();
  }
  Status AddIdentity(const store::OidcIdentity&) override { return Unsupported(); }
  Result<std::vector<store::OidcIdentity>> ListIdentities(int64_t) override {
    return Unsupported();
  }
  Status RemoveIdentity(int64_t, std::string_view, std::string_view) override {
    return Unsupported();
  }

 private:
  struct Row {
    store::Device device;
    std::string token_hash;
    bool revoked = false;
  };

  static bool Active(const Row& row, int64_t now) {
    return !row.revoked && row.device.expires_at > now;
  }
  Status Failure() const { return Status(*fail_with, "injected failure"); }
  static Status Unsupported() { return Status(Code::kInternal, "not in the fake"); }

  std::mutex mutex_;
  std::map<int64_t, store::User> users_;              // GUARDED_BY(mutex_)
  std::map<int64_t, Row> devices_;                    // GUARDED_BY(mutex_)
  std::map<int64_t, store::ScramCredentials> scram_;  // GUARDED_BY(mutex_)
  int64_t next_user_id_ = 1;                          // GUARDED_BY(mutex_)
  int64_t next_device_id_ = 1;                        // GUARDED_BY(mutex_)
};

}  // namespace parley::auth

#endif  // PARLEY_TESTS_AUTH_FAKE_STORE_H_
