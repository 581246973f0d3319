// StoreDigestSource: what an e-mail digest (push/digest.h) needs to know of a user, read from
// the store and this node's presence: when they were last online, their verified address,
// language and name, and their conversations with unread messages, most recent first.
//
// Thread-safe (the store and Social are); blocking (store reads): call from the digest thread.
#ifndef PARLEY_CHAT_MESSAGING_DIGEST_SOURCE_H_
#define PARLEY_CHAT_MESSAGING_DIGEST_SOURCE_H_

#include "chat/social/social.h"
#include "push/digest.h"
#include "store/store.h"

namespace parley::chat {

class StoreDigestSource : public push::DigestSource {
 public:
  // Both must outlive the source.
  StoreDigestSource(store::Store& store, const Social& social) : store_(store), social_(social) {}

  int64_t SeenAt(int64_t user_id) override;
  Result<push::DigestContent> Read(int64_t user_id) override;

 private:
  store::Store& store_;
  const Social& social_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_DIGEST_SOURCE_H_
