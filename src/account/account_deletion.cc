#include "account/account_deletion.h"

#include <tuple>

namespace parley::account {
namespace {

constexpr int kMembersPage = 1000;

// Who joined earlier: a lower first seq, then a lower id (founders share first seq 1).
bool JoinedBefore(const store::Member& a, const store::Member& b) {
  return std::tie(a.first_seq, a.user_id) < std::tie(b.first_seq, b.user_id);
}

}  // namespace

AccountDeletion::AccountDeletion(store::Store& store, auth::AuthService& auth,
                                 TwoFactorService& two_factor, chat::Groups& groups,
                                 chat::MediaService& media, ExportService& exports,
                                 push::Registry& push)
    : store_(store),
      auth_(auth),
      two_factor_(two_factor),
      groups_(groups),
      media_(media),
      exports_(exports),
      push_(push) {}

Status AccountDeletion::Delete(const auth::Principal& me, std::string_view password,
                               std::string_view code, std::string_view client_address,
                               int64_t now) {
  if (Status s = two_factor_.ConfirmIdentity(me, password, code, client_address, now); !s.ok()) {
    return s;
  }
  return Erase(me.user.id);
}

Status AccountDeletion::Erase(int64_t user_id) {
  if (Status s = auth_.EndAllSessions(user_id); !s.ok()) return s;
  if (Status s = LeaveGroups(user_id); !s.ok()) return s;
  Status erased =
      media_.RunFreeingBlobs([user_id](store::WriteTxn& txn, chat::ConversationCache& cache) {
        // The user's friendships and blocks go: the writer caches which pairs may message.
        cache.Clear();
        return txn.EraseAccount(user_id, kDeletedUserName);
      });
  if (!erased.ok()) return erased;
  exports_.Forget(user_id);
  return push_.ForgetUser(user_id);
}

Status AccountDeletion::LeaveGroups(int64_t user_id) {
  auto conversations = store_.ListConversationStates(user_id);
  if (!conversations.ok()) return conversations.status();
  for (const store::ConversationSummary& conversation : *conversations) {
    if (conversation.kind != store::ConversationKind::kGroup) continue;
    auto self = store_.FindMember(conversation.id, user_id);
    if (!self.ok()) return self.status();
    if (!self->has_value()) continue;
    if ((*self)->role == store::Role::kOwner) {
      auto successor = Successor(conversation.id, user_id);
      if (!successor.ok()) return successor.status();
      if (*successor) {
        if (Status s = groups_.Transfer(user_id, conversation.id, **successor); !s.ok()) return s;
      }
    }
    // The last member leaving dissolves the group (chat/groups/groups.h).
    Status left = groups_.RemoveMember(user_id, conversation.id, user_id);
    if (!left.ok() && left.code() != Code::kNotFound) return left;
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> AccountDeletion::Successor(int64_t group_id, int64_t owner_id) {
  std::optional<store::Member> admin;
  std::optional<store::Member> member;
  int64_t after = 0;
  for (;;) {
    auto page = store_.GroupMembers(group_id, after, kMembersPage);
    if (!page.ok()) return page.status();
    for (const store::Member& m : *page) {
      if (m.user_id == owner_id) continue;
      std::optional<store::Member>& best = m.role == store::Role::kAdmin ? admin : member;
      if (!best || JoinedBefore(m, *best)) best = m;
    }
    if (page->size() < static_cast<size_t>(kMembersPage)) break;
    after = page->back().user_id;
  }
  if (admin) return std::optional<int64_t>(admin->user_id);
  if (member) return std::optional<int64_t>(member->user_id);
  return std::optional<int64_t>();
}

}  // namespace parley::account
