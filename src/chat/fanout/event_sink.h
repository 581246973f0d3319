// EventSink: where the chat domain publishes what happened (chat/fanout/events.h), and how it learns
// whom that reached. The domain decides the audience (who may know); the sink decides how each
// of their online devices hears of it (chat::Hub: handed to the I/O threads, encoded there once
// per protocol and shared by every device of that protocol). Push notifications take the users
// a publish did not reach.
//
// Publishing is asynchronous: Publish returns once the event is handed over, and the Reach is
// known later, when every thread that holds devices of the audience has looked them up. Who
// needs it passes a ReachHandler.
//
// Thread-safety: implementations are thread-safe; the domain publishes from the message
// writer's thread (after commits) and from worker threads. Publishing never blocks on a
// device: a device that cannot keep up is its own problem (chat/fanout/peer.h).
#ifndef PARLEY_CHAT_FANOUT_EVENT_SINK_H_
#define PARLEY_CHAT_FANOUT_EVENT_SINK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "chat/fanout/events.h"
#include "chat/fanout/peer.h"

namespace parley::chat {

// Who an event is for: every device of `users` (each listed once) but `skip`, the device that
// caused it when that one learns of it otherwise (a sender gets its ack instead). The span is
// borrowed for the call only (a sink that needs it later copies it).
struct Audience {
  std::span<const int64_t> users;
  const Peer* skip = nullptr;  // never dereferenced
};

// Whom a publish reached, each user of the audience in exactly one list, in audience order.
// A user is reached when at least one device of theirs is online here, the skipped device
// included (it is online, and learned of the event its own way).
// `away` lists the reached users all of whose devices online here said they are away (push may
// still tell them, if they asked).
struct Reach {
  std::vector<int64_t> reached;
  std::vector<int64_t> unreached;
  std::vector<int64_t> away;  // a subset of reached
};

// Receives a publish's Reach, once, on whichever thread learned it last (for chat::Hub one of
// its I/O threads, before or while the event is written to the devices). It must not block.
// A publish still in flight when the sink stops (server shutdown) never calls it.
using ReachHandler = std::function<void(Reach reach)>;

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Hands `event` to every online device of the audience; `on_reach` (may be empty) learns
  // whom it reached. Implementations add `using EventSink::Publish;` for the short form.
  virtual void Publish(const Audience& audience, Event event, ReachHandler on_reach) = 0;
  void Publish(const Audience& audience, Event event) {
    Publish(audience, std::move(event), ReachHandler());
  }
  // Hands `event` to one device: the answer to something it asked (an ack, an error). Dropped
  // if the device has gone.
  virtual void Reply(const std::weak_ptr<Peer>& device, Event event) = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_EVENT_SINK_H_
