// MucOccupancy: which XMPP sessions on this node have joined which room (XEP-0045), so that a
// join or a leave reaches the room's other XMPP occupants as presence (docs/xmpp.md, "MUC
// occupants"). Parley publishes no event for entering a room (a group member is in the group
// whether connected or not), so this is the node's own registry: sessions
// on other nodes are not seen. An occupant is a user (room/USERNAME): it arrives with the
// user's first session in the room and leaves with the last.
// Holds sessions weakly; a session joins once the room's read succeeded and leaves when it
// leaves the room or ends. Thread-safe (one mutex; Deliver only posts to each session's loop).
#ifndef PARLEY_XMPP_MUC_OCCUPANCY_H_
#define PARLEY_XMPP_MUC_OCCUPANCY_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/fanout/peer.h"

namespace parley::xmpp {

class MucOccupancy {
 public:
  struct Occupant {
    int64_t user_id = 0;
    std::string username;
  };

  // Adds the session to the room; true when it is the user's first session there.
  bool Join(int64_t room, const Occupant& occupant, const std::shared_ptr<chat::Peer>& session);
  // Removes the session from the room; true when it was the user's last session there.
  bool Leave(int64_t room, int64_t user_id, const chat::Peer* session);
  // The room's occupants, one per user, at most `limit` of them.
  std::vector<Occupant> Occupants(int64_t room, size_t limit) const;
  // Hands `frame` (an XMPP frame, xmpp_frames.h) to every session in the room but `except`.
  void Deliver(int64_t room, const chat::Peer* except, const chat::SharedFrame& frame) const;

 private:
  struct Entry {
    Occupant occupant;
    std::weak_ptr<chat::Peer> session;
  };
  mutable std::mutex mutex_;
  std::unordered_map<int64_t, std::vector<Entry>> rooms_;  // guarded by mutex_
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_MUC_OCCUPANCY_H_
