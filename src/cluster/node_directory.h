// NodeDirectory: what this node knows of the other nodes of its cluster, from their messages on
// the bus (cluster/bus_message.h): who is alive, whether a message of theirs was missed, and the
// presence each reported of its users.
//
// - A node is known from its first message; it is forgotten, with every status it reported,
//   when nothing came from it for `node_timeout` (Expire): a node killed with -9 says nothing,
//   and its users go offline unless they are online elsewhere.
// - A node's messages carry a counter (BusHeader::seq). Observe reports when one was skipped, or
//   the node is new to us: then what we hold of its presence may be stale, and the caller asks it
//   for a snapshot. Pub/sub loses messages only across a disconnect, so a gap is rare.
// - Presence: a node's reports are per user (a change) or whole (a snapshot replaces all).
//
// Thread-safe (one mutex); never calls out. Every method that changes presence returns the users
// whose combined status elsewhere may have changed, for the caller to settle
// (chat::PresenceTracker::ElsewhereChanged) outside this lock.
#ifndef PARLEY_CLUSTER_NODE_DIRECTORY_H_
#define PARLEY_CLUSTER_NODE_DIRECTORY_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/fanout/event_sink.h"
#include "chat/fanout/presence.h"

namespace parley::cluster {

class NodeDirectory : public chat::PresenceElsewhere {
 public:
  using Clock = std::chrono::steady_clock;
  using UserStatuses = std::vector<std::pair<int64_t, chat::PresenceStatus>>;

  explicit NodeDirectory(std::chrono::milliseconds node_timeout) : node_timeout_(node_timeout) {}

  // A message from `node_id` with counter `seq` arrived at `now`. True when the node is new or
  // a message of it was missed: ask it for a snapshot.
  bool Observe(uint64_t node_id, uint64_t seq, Clock::time_point now);
  // Applies `node_id`'s report; `snapshot`: it lists every user connected there.
  std::vector<int64_t> ApplyPresence(uint64_t node_id, const UserStatuses& users, bool snapshot);
  // Forgets the nodes silent since before now - node_timeout.
  std::vector<int64_t> Expire(Clock::time_point now);

  // chat::PresenceElsewhere: the user's status combined over the other nodes.
  chat::PresenceStatus StatusElsewhere(int64_t user_id) const override;
  // `local` (whom a publish reached on this node) with the users online on other nodes counted
  // as reached (and as away, if away everywhere they are): push then tells only users offline
  // everywhere. One lock for the whole audience.
  chat::Reach WithElsewhere(chat::Reach local) const;
  size_t node_count() const;

 private:
  chat::PresenceStatus StatusElsewhereLocked(int64_t user_id) const;  // under mutex_

  struct Node {
    uint64_t last_seq = 0;
    Clock::time_point last_heard;
    std::unordered_map<int64_t, chat::PresenceStatus> users;  // not offline
  };
  const std::chrono::milliseconds node_timeout_;
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, Node> nodes_;  // guarded by mutex_
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_NODE_DIRECTORY_H_
