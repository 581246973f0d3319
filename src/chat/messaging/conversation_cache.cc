#include "chat/messaging/conversation_cache.h"

#include <algorithm>

namespace parley::chat {
namespace {

// The caches grow with the number of conversations written to; past this they start over.
constexpr size_t kMaxCachedConversations = 1 << 20;

}  // namespace

const store::Member* CachedConversation::FindMember(int64_t user_id) const {
  auto it =
      std::lower_bound(members.begin(), members.end(), user_id,
                       [](const store::Member& member, int64_t id) { return member.user_id < id; });
  return it != members.end() && it->user_id == user_id ? &*it : nullptr;
}

int64_t CachedConversation::DirectRecipient(int64_t sender_id) const {
  if (kind != store::ConversationKind::kDirect) return 0;
  for (const store::Member& member : members) {
    if (member.user_id != sender_id) return member.user_id;
  }
  return 0;
}

Result<CachedConversation*> ConversationCache::Find(store::WriteTxn& txn, int64_t conversation_id) {
  if (auto it = conversations_.find(conversation_id); it != conversations_.end()) {
    return &it->second;
  }
  auto kind = txn.KindOf(conversation_id);
  if (!kind.ok()) return kind.status();
  auto members = txn.Members(conversation_id);
  if (!members.ok()) return members.status();
  CachedConversation entry;
  entry.kind = *kind;
  entry.members = std::move(*members);
  std::sort(entry.members.begin(), entry.members.end(),
            [](const store::Member& a, const store::Member& b) { return a.user_id < b.user_id; });
  auto ids = std::make_shared<std::vector<int64_t>>();
  ids->reserve(entry.members.size());
  for (const store::Member& member : entry.members) ids->push_back(member.user_id);
  entry.member_ids = std::move(ids);
  if (conversations_.size() >= kMaxCachedConversations) conversations_.clear();
  return &conversations_.insert_or_assign(conversation_id, std::move(entry)).first->second;
}

Result<int64_t> ConversationCache::Direct(store::WriteTxn& txn, int64_t user_a, int64_t user_b) {
  const auto [low, high] = std::minmax(user_a, user_b);
  const std::pair<int64_t, int64_t> key(low, high);
  if (auto it = direct_by_pair_.find(key); it != direct_by_pair_.end()) return it->second;
  auto id = txn.DirectConversation(low, high);
  if (!id.ok()) return id.status();
  if (direct_by_pair_.size() >= kMaxCachedConversations) direct_by_pair_.clear();
  direct_by_pair_.emplace(key, *id);
  return *id;
}

std::optional<int64_t> ConversationCache::KnownDirect(int64_t user_a, int64_t user_b) const {
  const auto [low, high] = std::minmax(user_a, user_b);
  auto it = direct_by_pair_.find(std::pair<int64_t, int64_t>(low, high));
  if (it == direct_by_pair_.end()) return std::nullopt;
  return it->second;
}

Result<const std::vector<int64_t>*> ConversationCache::BlockPeers(store::WriteTxn& txn,
                                                                  int64_t user_id) {
  if (auto it = block_peers_.find(user_id); it != block_peers_.end()) return &it->second;
  auto peers = txn.BlockPeers(user_id);
  if (!peers.ok()) return peers.status();
  if (block_peers_.size() >= kMaxCachedConversations) block_peers_.clear();
  return &block_peers_.insert_or_assign(user_id, std::move(*peers)).first->second;
}

void ConversationCache::Forget(int64_t conversation_id) {
  conversations_.erase(conversation_id);
  forgotten_ = true;
}

void ConversationCache::Clear() {
  forgotten_ = true;
  conversations_.clear();
  direct_by_pair_.clear();
  block_peers_.clear();
}

}  // namespace parley::chat
