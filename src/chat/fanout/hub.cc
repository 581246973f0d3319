#include "chat/fanout/hub.h"

#include <algorithm>
#include <utility>

namespace parley::chat {

// One publish on its way through the slices: the event and the audience (copied: Audience only
// borrows them), shared read-only by every slice, and each slice's view of the reach.
struct Hub::Fanout {
  Event event;
  std::vector<int64_t> users;
  const Peer* skip;
  ReachHandler on_reach;
  // One row per slice, one entry per user; written only by that slice, read by the last one.
  std::vector<std::vector<SliceReach>> reach;
  std::atomic<size_t> pending;  // slices that have not looked their devices up yet
};

Hub::Hub() {
  auto inline_slice = std::make_unique<Slice>();
  inline_slice->post = [](std::function<void()> task) { task(); };
  slices_.push_back(std::move(inline_slice));
}

void Hub::UseSlices(std::vector<SlicePoster> posters) {
  slices_.clear();
  for (SlicePoster& post : posters) {
    auto slice = std::make_unique<Slice>();
    slice->post = std::move(post);
    slices_.push_back(std::move(slice));
  }
}

bool Hub::Attach(size_t slice, int64_t user_id, int64_t device_id,
                 const std::shared_ptr<Peer>& peer, size_t max_per_user) {
  {
    std::lock_guard lock(sessions_mutex_);
    size_t& sessions = sessions_per_user_[user_id];
    if (sessions >= max_per_user) return false;
    ++sessions;
  }
  slices_.at(slice)->registry.Attach(user_id, device_id, peer);
  peer_count_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void Hub::Detach(size_t slice, int64_t user_id, const Peer* peer) {
  if (!slices_.at(slice)->registry.Detach(user_id, peer)) return;
  peer_count_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(sessions_mutex_);
  auto it = sessions_per_user_.find(user_id);
  if (it != sessions_per_user_.end() && --it->second == 0) sessions_per_user_.erase(it);
}

void Hub::Publish(const Audience& audience, Event event, ReachHandler on_reach) {
  if (audience.users.empty()) {
    if (on_reach) on_reach(Reach{});
    return;
  }
  auto fanout = std::make_shared<Fanout>();
  fanout->event = std::move(event);
  fanout->users.assign(audience.users.begin(), audience.users.end());
  fanout->skip = audience.skip;
  if (on_reach) {
    fanout->on_reach = std::move(on_reach);
    fanout->reach.assign(slices_.size(),
                         std::vector<SliceReach>(fanout->users.size(), SliceReach::kOffline));
  }
  fanout->pending.store(slices_.size(), std::memory_order_relaxed);
  for (size_t i = 0; i < slices_.size(); ++i) {
    slices_[i]->post([this, fanout, i] { RunFanout(fanout, i); });
  }
}

// On slice `slice`'s thread. The Reach is handed over before this slice writes: the one that
// finishes the look-ups last answers at once, and push learns of offline users sooner.
void Hub::RunFanout(const std::shared_ptr<Fanout>& fanout, size_t slice) {
  std::span<SliceReach> reach;
  if (fanout->on_reach) reach = fanout->reach[slice];
  std::vector<std::shared_ptr<Peer>> peers =
      slices_[slice]->registry.Find(fanout->users, fanout->skip, reach);
  // acq_rel: the last slice sees every other slice's row.
  if (fanout->pending.fetch_sub(1, std::memory_order_acq_rel) == 1 && fanout->on_reach) {
    Reach merged;
    for (size_t u = 0; u < fanout->users.size(); ++u) {
      SliceReach best = SliceReach::kOffline;
      for (const auto& row : fanout->reach) best = std::max(best, row[u]);
      const int64_t user = fanout->users[u];
      (best == SliceReach::kOffline ? merged.unreached : merged.reached).push_back(user);
      if (best == SliceReach::kAway) merged.away.push_back(user);
    }
    fanout->on_reach(std::move(merged));
  }
  if (!peers.empty()) HubSlice::Deliver(peers, fanout->event);
}

void Hub::Reply(const std::weak_ptr<Peer>& device, Event event) {
  if (auto peer = device.lock()) peer->Deliver(peer->encoder().Encode(event));
}

void Hub::OnEverySlice(std::function<void(HubSlice&)> task) {
  auto shared = std::make_shared<std::function<void(HubSlice&)>>(std::move(task));
  for (auto& slice : slices_) {
    slice->post([shared, registry = &slice->registry] { (*shared)(*registry); });
  }
}

// A peer's Close only queues the close; it may detach later, on this same thread.
void Hub::CloseDevice(int64_t user_id, int64_t device_id, CloseReason reason) {
  OnEverySlice([=](HubSlice& registry) {
    for (auto& peer : registry.Collect(user_id, device_id, true)) peer->Close(reason);
  });
}

void Hub::CloseOtherDevices(int64_t user_id, int64_t keep_device_id, CloseReason reason) {
  OnEverySlice([=](HubSlice& registry) {
    for (auto& peer : registry.Collect(user_id, keep_device_id, false)) peer->Close(reason);
  });
}

void Hub::CloseAll(CloseReason reason) {
  OnEverySlice([=](HubSlice& registry) {
    for (auto& peer : registry.CollectAll()) peer->Close(reason);
  });
}

}  // namespace parley::chat
