// ConversationCache: the message writer's memory of conversations (kind, members with roles and
// mutes, direct pairs) and of who has a block with whom, so a send, a receipt or a typing
// frame usually costs no lookups besides its own write.
//
// Used only on the writer thread, inside the writer's transaction (see MessageWriter): lookups
// read through `txn` on a miss. Anything that changes what is cached (membership, roles, mutes,
// friendships, blocks) runs as a writer task and calls Forget or Clear in the same transaction;
// the writer clears the whole cache when a batch rolls back, since it may hold rows that were
// never committed. A task's Forget or Clear also tells the writers on other nodes, whose caches
// it cannot reach: the writer asks TakeForgotten() after each task and then moves the store's
// rules clock (store.h WriteTxn::LockRules).
#ifndef PARLEY_CHAT_MESSAGING_CONVERSATION_CACHE_H_
#define PARLEY_CHAT_MESSAGING_CONVERSATION_CACHE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace parley::chat {

using MemberIds = std::shared_ptr<const std::vector<int64_t>>;

struct CachedConversation {
  store::ConversationKind kind = store::ConversationKind::kDirect;
  std::vector<store::Member> members;  // ascending user id
  MemberIds member_ids;                // the same users, shared with outcomes for fan-out
  bool direct_allowed = false;         // direct only: the pair's rules were checked and pass

  const store::Member* FindMember(int64_t user_id) const;
  // In a direct conversation, the member who is not `sender_id`; 0 in a group.
  int64_t DirectRecipient(int64_t sender_id) const;
};

class ConversationCache {
 public:
  // The live conversation `conversation_id`; kNotFound "no such conversation".
  Result<CachedConversation*> Find(store::WriteTxn& txn, int64_t conversation_id);

  // The direct conversation of two distinct users, created if needed; kNotFound "no such user"
  // if either does not exist.
  Result<int64_t> Direct(store::WriteTxn& txn, int64_t user_a, int64_t user_b);
  // The direct conversation of the pair if this cache knows it (no lookup, no creation).
  std::optional<int64_t> KnownDirect(int64_t user_a, int64_t user_b) const;

  // The users with a block either way with `user_id`, ascending (store::WriteTxn::BlockPeers).
  // The pointer is valid until the next call on this cache.
  Result<const std::vector<int64_t>*> BlockPeers(store::WriteTxn& txn, int64_t user_id);

  void Forget(int64_t conversation_id);
  void Clear();
  // Whether Forget or Clear ran since the last call.
  bool TakeForgotten() { return std::exchange(forgotten_, false); }

 private:
  struct PairHash {
    size_t operator()(const std::pair<int64_t, int64_t>& p) const {
      return std::hash<int64_t>()(p.first * 1000003 ^ p.second);
    }
  };
  std::unordered_map<int64_t, CachedConversation> conversations_;
  // (smaller user id, larger user id) -> direct conversation id
  std::unordered_map<std::pair<int64_t, int64_t>, int64_t, PairHash> direct_by_pair_;
  std::unordered_map<int64_t, std::vector<int64_t>> block_peers_;  // user -> BlockPeers
  bool forgotten_ = false;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_CONVERSATION_CACHE_H_
