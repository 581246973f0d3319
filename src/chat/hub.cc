#include "chat/hub.h"

#include <algorithm>

namespace parley::chat {

bool Hub::Attach(int64_t user_id, int64_t device_id, const std::shared_ptr<Peer>& peer,
                 size_t max_per_user) {
  std::lock_guard lock(mutex_);
  std::vector<Entry>& entries = peers_by_user_[user_id];
  if (entries.size() >= max_per_user) return false;
  entries.push_back(Entry{device_id, peer, peer.get()});
  ++peer_count_;
  return true;
}

void Hub::Detach(int64_t user_id, const Peer* peer) {
  std::lock_guard lock(mutex_);
  auto it = peers_by_user_.find(user_id);
  if (it == peers_by_user_.end()) return;
  auto& entries = it->second;
  auto removed = std::remove_if(entries.begin(), entries.end(),
                                [peer](const Entry& e) { return e.key == peer; });
  peer_count_ -= entries.end() - removed;
  entries.erase(removed, entries.end());
  if (entries.empty()) peers_by_user_.erase(it);
}

// The peers are collected under the lock and handed the frame after it: queueing to thousands
// of sessions (a big group) then never holds up Attach/Detach. The buffer is per thread and
// reused, so a delivery allocates nothing per recipient once it has grown.
void Hub::Deliver(std::span<const int64_t> user_ids, const SharedFrame& frame, const Peer* skip) {
  thread_local std::vector<std::shared_ptr<Peer>> targets;
  {
    std::lock_guard lock(mutex_);
    for (int64_t user_id : user_ids) {
      auto it = peers_by_user_.find(user_id);
      if (it == peers_by_user_.end()) continue;
      for (const Entry& entry : it->second) {
        if (entry.key == skip) continue;
        if (auto peer = entry.peer.lock()) targets.push_back(std::move(peer));
      }
    }
  }
  for (const std::shared_ptr<Peer>& peer : targets) peer->Deliver(frame);
  targets.clear();
}

std::vector<std::shared_ptr<Peer>> Hub::Collect(int64_t user_id, int64_t device_id, bool matching) {
  std::vector<std::shared_ptr<Peer>> found;
  std::lock_guard lock(mutex_);
  auto it = peers_by_user_.find(user_id);
  if (it == peers_by_user_.end()) return found;
  for (const Entry& entry : it->second) {
    if ((entry.device_id == device_id) != matching) continue;
    if (auto peer = entry.peer.lock()) found.push_back(std::move(peer));
  }
  return found;
}

// Closing happens outside the lock: a peer's Close may detach it from the hub.
void Hub::CloseDevice(int64_t user_id, int64_t device_id, CloseReason reason) {
  for (auto& peer : Collect(user_id, device_id, true)) peer->Close(reason);
}

void Hub::CloseOtherDevices(int64_t user_id, int64_t keep_device_id, CloseReason reason) {
  for (auto& peer : Collect(user_id, keep_device_id, false)) peer->Close(reason);
}

void Hub::CloseAll(CloseReason reason) {
  std::vector<std::shared_ptr<Peer>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [user_id, entries] : peers_by_user_) {
      for (const Entry& entry : entries) {
        if (auto peer = entry.peer.lock()) all.push_back(std::move(peer));
      }
    }
  }
  for (auto& peer : all) peer->Close(reason);
}

size_t Hub::online_peer_count() const {
  std::lock_guard lock(mutex_);
  return peer_count_;
}

}  // namespace parley::chat
