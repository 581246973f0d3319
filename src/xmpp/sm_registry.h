// SmRegistry: the resumable XEP-0198 sessions of this node, by user and resume id, so that a
// new connection of the SAME user can take one over (docs/xmpp.md, "Stream management").
//
// A resume id is 128 random bits (32 hex digits), found only among its user's sessions and
// compared in constant time, so ids cannot be probed across accounts or guessed by timing.
// At most max_detached sessions of one user wait detached at a time (MarkDetached refuses
// more: that session ends instead). Holds sessions weakly. Thread-safe (one mutex).
#ifndef PARLEY_XMPP_SM_REGISTRY_H_
#define PARLEY_XMPP_SM_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parley::xmpp {

class C2sSession;

class SmRegistry {
 public:
  explicit SmRegistry(size_t max_detached) : max_detached_(max_detached) {}

  // A new resume id for `session` of `user_id`, registered.
  std::string Register(int64_t user_id, const std::shared_ptr<C2sSession>& session);
  void Remove(int64_t user_id, std::string_view id);
  // The user's detached session with that id; null when none (another user's id finds
  // nothing).
  std::shared_ptr<C2sSession> Find(int64_t user_id, std::string_view id);
  // The session lost its connection and waits; false if the user has max_detached waiting.
  bool MarkDetached(int64_t user_id, std::string_view id);
  void MarkAttached(int64_t user_id, std::string_view id);

 private:
  struct Entry {
    std::string id;
    std::weak_ptr<C2sSession> session;
    bool detached = false;
  };
  Entry* Lookup(int64_t user_id, std::string_view id);  // with mutex_ held

  const size_t max_detached_;
  std::mutex mutex_;
  std::unordered_map<int64_t, std::vector<Entry>> users_;  // guarded by mutex_
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_SM_REGISTRY_H_
