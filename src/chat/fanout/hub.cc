#include "chat/fanout/hub.h"

#include <algorithm>
#include <utility>

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

// The peers are collected under the lock and handed the frame after it: encoding, and queueing
// to thousands of sessions (a big group), then never hold up Attach/Detach. The buffers are per
// thread and reused, so a publish allocates nothing per recipient once they have grown.
Reach Hub::Publish(const Audience& audience, Event event) {
  thread_local std::vector<std::shared_ptr<Peer>> targets;
  // One frame per protocol met; a handful of protocols at most, so a linear search.
  thread_local std::vector<std::pair<const FrameEncoder*, SharedFrame>> frames;
  Reach reach;
  {
    std::lock_guard lock(mutex_);
    for (int64_t user_id : audience.users) {
      bool online = false;
      bool all_away = true;
      if (auto it = peers_by_user_.find(user_id); it != peers_by_user_.end()) {
        for (const Entry& entry : it->second) {
          auto peer = entry.peer.lock();
          if (!peer) continue;  // gone; its Detach is on its way
          online = true;
          all_away = all_away && peer->away();
          if (entry.key != audience.skip) targets.push_back(std::move(peer));
        }
      }
      (online ? reach.reached : reach.unreached).push_back(user_id);
      if (online && all_away) reach.away.push_back(user_id);
    }
  }
  for (const std::shared_ptr<Peer>& peer : targets) {
    const FrameEncoder* encoder = &peer->encoder();
    auto found = std::find_if(frames.begin(), frames.end(),
                              [encoder](const auto& frame) { return frame.first == encoder; });
    if (found == frames.end()) {
      frames.emplace_back(encoder, encoder->Encode(event));
      found = frames.end() - 1;
    }
    peer->Deliver(found->second);
  }
  targets.clear();
  frames.clear();
  return reach;
}

void Hub::Reply(const std::weak_ptr<Peer>& device, Event event) {
  if (auto peer = device.lock()) peer->Deliver(peer->encoder().Encode(event));
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
