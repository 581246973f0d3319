#include "cluster/node_directory.h"

namespace parley::cluster {

bool NodeDirectory::Observe(uint64_t node_id, uint64_t seq, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto [it, added] = nodes_.try_emplace(node_id);
  Node& node = it->second;
  const bool gap = !added && seq != node.last_seq + 1;
  node.last_seq = seq;
  node.last_heard = now;
  return added || gap;
}

std::vector<int64_t> NodeDirectory::ApplyPresence(uint64_t node_id, const UserStatuses& users,
                                                  bool snapshot) {
  std::lock_guard lock(mutex_);
  auto it = nodes_.find(node_id);
  if (it == nodes_.end()) return {};  // expired meanwhile; its next message makes it new again
  Node& node = it->second;
  std::vector<int64_t> touched;
  if (snapshot) {
    touched.reserve(node.users.size() + users.size());
    for (const auto& [user_id, status] : node.users) touched.push_back(user_id);
    node.users.clear();
  }
  for (const auto& [user_id, status] : users) {
    if (status == chat::PresenceStatus::kOffline) {
      node.users.erase(user_id);
    } else {
      node.users[user_id] = status;
    }
    touched.push_back(user_id);
  }
  return touched;
}

std::vector<int64_t> NodeDirectory::Expire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<int64_t> touched;
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (now - it->second.last_heard < node_timeout_) {
      ++it;
      continue;
    }
    for (const auto& [user_id, status] : it->second.users) touched.push_back(user_id);
    it = nodes_.erase(it);
  }
  return touched;
}

chat::PresenceStatus NodeDirectory::StatusElsewhere(int64_t user_id) const {
  std::lock_guard lock(mutex_);
  return StatusElsewhereLocked(user_id);
}

chat::PresenceStatus NodeDirectory::StatusElsewhereLocked(int64_t user_id) const {
  chat::PresenceStatus combined = chat::PresenceStatus::kOffline;
  for (const auto& [node_id, node] : nodes_) {
    auto it = node.users.find(user_id);
    if (it != node.users.end()) combined = chat::Combine(combined, it->second);
  }
  return combined;
}

chat::Reach NodeDirectory::WithElsewhere(chat::Reach local) const {
  std::lock_guard lock(mutex_);
  if (nodes_.empty()) return local;
  chat::Reach reach;
  reach.reached = std::move(local.reached);
  for (int64_t user_id : local.away) {
    if (StatusElsewhereLocked(user_id) != chat::PresenceStatus::kOnline) {
      reach.away.push_back(user_id);
    }
  }
  for (int64_t user_id : local.unreached) {
    switch (StatusElsewhereLocked(user_id)) {
      case chat::PresenceStatus::kOffline:
        reach.unreached.push_back(user_id);
        break;
      case chat::PresenceStatus::kAway:
        reach.away.push_back(user_id);
        [[fallthrough]];
      case chat::PresenceStatus::kOnline:
        reach.reached.push_back(user_id);
        break;
    }
  }
  return reach;
}

size_t NodeDirectory::node_count() const {
  std::lock_guard lock(mutex_);
  return nodes_.size();
}

}  // namespace parley::cluster
