// NotifyingSink: the EventSink that hands what did not reach anyone's device to push. It wraps
// the real sink (the Hub), publishes through it, and for each user the publish left unreached
// (or reached only on devices that said they are away: the outbox tells those who asked)
// queues a push::Notification: a content message (text or media; not ops, which only change
// an earlier message), a notice, a friend request, or being put into a group. The sender of a
// message is never notified of it.
//
// Cost on the send path (the writer thread): the event's small fields and at most
// push::kMaxPreviewBytes of its text are copied before the publish. The Reach comes later
// (chat/fanout/event_sink.h: on one of the hub's I/O threads), and then one Notify call per publish
// with unreached users; the outbox does everything else on its own thread.
//
// Thread-safe, as the sink it wraps and the Notifier. The sink must outlive every publish
// still in flight in the sink it wraps.
#ifndef PARLEY_CHAT_FANOUT_PUSH_SINK_H_
#define PARLEY_CHAT_FANOUT_PUSH_SINK_H_

#include <memory>

#include "chat/fanout/event_sink.h"
#include "push/notification.h"

namespace parley::chat {

class NotifyingSink : public EventSink {
 public:
  // Both must outlive the sink.
  NotifyingSink(EventSink& inner, push::Notifier& notifier) : inner_(inner), notifier_(notifier) {}

  using EventSink::Publish;
  void Publish(const Audience& audience, Event event, ReachHandler on_reach) override;
  void Reply(const std::weak_ptr<Peer>& device, Event event) override {
    inner_.Reply(device, std::move(event));
  }

 private:
  EventSink& inner_;
  push::Notifier& notifier_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_PUSH_SINK_H_
