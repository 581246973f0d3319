#include "xmpp/xmpp_resources.h"

#include <algorithm>

namespace parley::xmpp {

void XmppResources::Add(int64_t user_id, const std::shared_ptr<chat::Peer>& session) {
  std::lock_guard lock(mutex_);
  sessions_[user_id].push_back(session);
}

void XmppResources::Remove(int64_t user_id, const chat::Peer* session) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(user_id);
  if (found == sessions_.end()) return;
  std::erase_if(found->second, [session](const std::weak_ptr<chat::Peer>& held) {
    std::shared_ptr<chat::Peer> peer = held.lock();
    return peer == nullptr || peer.get() == session;
  });
  if (found->second.empty()) sessions_.erase(found);
}

void XmppResources::DeliverToOthers(int64_t user_id, const chat::Peer* except,
                                    const chat::SharedFrame& frame) {
  std::vector<std::shared_ptr<chat::Peer>> others;
  {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(user_id);
    if (found == sessions_.end()) return;
    for (const std::weak_ptr<chat::Peer>& held : found->second) {
      std::shared_ptr<chat::Peer> peer = held.lock();
      if (peer != nullptr && peer.get() != except) others.push_back(std::move(peer));
    }
  }
  for (const std::shared_ptr<chat::Peer>& peer : others) peer->Deliver(frame);
}

}  // namespace parley::xmpp
