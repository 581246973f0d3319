#include "chat/fanout/hub_slice.h"

#include <algorithm>
#include <utility>

namespace parley::chat {

void HubSlice::Attach(int64_t user_id, int64_t device_id, const std::shared_ptr<Peer>& peer) {
  peers_by_user_[user_id].push_back(Entry{device_id, peer, peer.get()});
}

bool HubSlice::Detach(int64_t user_id, const Peer* peer) {
  auto it = peers_by_user_.find(user_id);
  if (it == peers_by_user_.end()) return false;
  auto& entries = it->second;
  auto removed = std::remove_if(entries.begin(), entries.end(),
                                [peer](const Entry& e) { return e.key == peer; });
  const bool found = removed != entries.end();
  entries.erase(removed, entries.end());
  if (entries.empty()) peers_by_user_.erase(it);
  return found;
}

std::vector<std::shared_ptr<Peer>> HubSlice::Find(std::span<const int64_t> users, const Peer* skip,
                                                  std::span<SliceReach> reach) const {
  std::vector<std::shared_ptr<Peer>> found;
  for (size_t i = 0; i < users.size(); ++i) {
    auto it = peers_by_user_.find(users[i]);
    if (it == peers_by_user_.end()) continue;  // reach[i] stays kOffline
    bool online = false;
    bool all_away = true;
    for (const Entry& entry : it->second) {
      auto peer = entry.peer.lock();
      if (!peer) continue;  // gone; its Detach is on its way
      online = true;
      if (!reach.empty()) all_away = all_away && peer->away();
      if (entry.key != skip) found.push_back(std::move(peer));
    }
    if (!reach.empty() && online) reach[i] = all_away ? SliceReach::kAway : SliceReach::kPresent;
  }
  return found;
}

// One frame per protocol met; a handful of protocols at most, so a linear search. The buffer
// is per thread and reused, so a fan-out allocates nothing per recipient once it has grown.
void HubSlice::Deliver(const std::vector<std::shared_ptr<Peer>>& peers, const Event& event) {
  thread_local std::vector<std::pair<const FrameEncoder*, SharedFrame>> frames;
  frames.clear();
  for (const std::shared_ptr<Peer>& peer : peers) {
    const FrameEncoder* encoder = &peer->encoder();
    auto found = std::find_if(frames.begin(), frames.end(),
                              [encoder](const auto& frame) { return frame.first == encoder; });
    if (found == frames.end()) {
      frames.emplace_back(encoder, encoder->Encode(event));
      found = frames.end() - 1;
    }
    peer->DeliverHere(found->second);
  }
  frames.clear();
}

std::vector<std::shared_ptr<Peer>> HubSlice::Collect(int64_t user_id, int64_t device_id,
                                                     bool matching) {
  std::vector<std::shared_ptr<Peer>> collected;
  auto it = peers_by_user_.find(user_id);
  if (it == peers_by_user_.end()) return collected;
  for (const Entry& entry : it->second) {
    if ((entry.device_id == device_id) != matching) continue;
    if (auto peer = entry.peer.lock()) collected.push_back(std::move(peer));
  }
  return collected;
}

std::vector<std::shared_ptr<Peer>> HubSlice::CollectAll() {
  std::vector<std::shared_ptr<Peer>> all;
  for (auto& [user_id, entries] : peers_by_user_) {
    for (const Entry& entry : entries) {
      if (auto peer = entry.peer.lock()) all.push_back(std::move(peer));
    }
  }
  return all;
}

}  // namespace parley::chat
