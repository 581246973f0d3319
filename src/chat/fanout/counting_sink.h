// CountingSink: the EventSink that counts the domain's error answers (events::RequestFailed,
// by protocol code, in parley_errors_total{transport="ws"}) and passes every event on to the
// sink it wraps. The errors the WebSocket layer answers itself are counted there
// (net/ws_session.cc); together they are every error a device is sent.
//
// Thread-safe, as the sink it wraps. Both the inner sink and the metrics must outlive it.
#ifndef PARLEY_CHAT_FANOUT_COUNTING_SINK_H_
#define PARLEY_CHAT_FANOUT_COUNTING_SINK_H_

#include <memory>

#include "chat/fanout/event_sink.h"
#include "metrics/server_metrics.h"

namespace parley::chat {

class CountingSink : public EventSink {
 public:
  CountingSink(EventSink& inner, metrics::ServerMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}

  using EventSink::Publish;
  void Publish(const Audience& audience, Event event, ReachHandler on_reach) override {
    inner_.Publish(audience, std::move(event), std::move(on_reach));
  }
  void Reply(const std::weak_ptr<Peer>& device, Event event) override;

 private:
  EventSink& inner_;
  metrics::ServerMetrics& metrics_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_COUNTING_SINK_H_
