// XmppResources: the bound XMPP sessions of each user on this node, for what XMPP pushes to a
// user's other resources and the domain publishes no event for (XEP-0191 block pushes).
// Holds sessions weakly; a session adds itself once bound and removes itself at its end.
// Thread-safe (one mutex; Deliver only posts to each session's loop).
#ifndef PARLEY_XMPP_XMPP_RESOURCES_H_
#define PARLEY_XMPP_XMPP_RESOURCES_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "chat/fanout/peer.h"

namespace parley::xmpp {

class XmppResources {
 public:
  void Add(int64_t user_id, const std::shared_ptr<chat::Peer>& session);
  void Remove(int64_t user_id, const chat::Peer* session);
  // Hands `frame` (an XMPP frame, xmpp_frames.h) to every other bound session of the user.
  void DeliverToOthers(int64_t user_id, const chat::Peer* except, const chat::SharedFrame& frame);

 private:
  std::mutex mutex_;
  std::unordered_map<int64_t, std::vector<std::weak_ptr<chat::Peer>>> sessions_;  // guarded
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XMPP_RESOURCES_H_
