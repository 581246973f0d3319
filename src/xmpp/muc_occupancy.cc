#include "xmpp/muc_occupancy.h"

#include <algorithm>
#include <unordered_set>

namespace parley::xmpp {

bool MucOccupancy::Join(int64_t room, const Occupant& occupant,
                        const std::shared_ptr<chat::Peer>& session) {
  std::lock_guard lock(mutex_);
  std::vector<Entry>& entries = rooms_[room];
  std::erase_if(entries, [](const Entry& entry) { return entry.session.expired(); });
  const bool first = std::none_of(entries.begin(), entries.end(), [&](const Entry& entry) {
    return entry.occupant.user_id == occupant.user_id;
  });
  entries.push_back(Entry{occupant, session});
  return first;
}

bool MucOccupancy::Leave(int64_t room, int64_t user_id, const chat::Peer* session) {
  std::lock_guard lock(mutex_);
  auto found = rooms_.find(room);
  if (found == rooms_.end()) return false;
  std::vector<Entry>& entries = found->second;
  const size_t before = entries.size();
  std::erase_if(entries, [session](const Entry& entry) {
    std::shared_ptr<chat::Peer> peer = entry.session.lock();
    return peer == nullptr || peer.get() == session;
  });
  const bool removed = entries.size() < before;
  const bool last = std::none_of(entries.begin(), entries.end(), [&](const Entry& entry) {
    return entry.occupant.user_id == user_id;
  });
  if (entries.empty()) rooms_.erase(found);
  return removed && last;
}

std::vector<MucOccupancy::Occupant> MucOccupancy::Occupants(int64_t room, size_t limit) const {
  std::vector<Occupant> occupants;
  std::lock_guard lock(mutex_);
  auto found = rooms_.find(room);
  if (found == rooms_.end()) return occupants;
  std::unordered_set<int64_t> seen;
  for (const Entry& entry : found->second) {
    if (occupants.size() >= limit) break;
    if (entry.session.expired() || !seen.insert(entry.occupant.user_id).second) continue;
    occupants.push_back(entry.occupant);
  }
  return occupants;
}

void MucOccupancy::Deliver(int64_t room, const chat::Peer* except,
                           const chat::SharedFrame& frame) const {
  std::vector<std::shared_ptr<chat::Peer>> sessions;
  {
    std::lock_guard lock(mutex_);
    auto found = rooms_.find(room);
    if (found == rooms_.end()) return;
    for (const Entry& entry : found->second) {
      std::shared_ptr<chat::Peer> peer = entry.session.lock();
      if (peer != nullptr && peer.get() != except) sessions.push_back(std::move(peer));
    }
  }
  for (const std::shared_ptr<chat::Peer>& peer : sessions) peer->Deliver(frame);
}

}  // namespace parley::xmpp
