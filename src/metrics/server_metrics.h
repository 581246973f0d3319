// ServerMetrics: every metric parleyd exports, named in one place (docs/operations.md lists
// them). app/ makes one on its Registry and hands a pointer to the modules that record
// (chat's writer and service, push's outbox, net's server); a null pointer records nothing.
// Values that a module already keeps (connections, sessions, the writer's queue) are read at
// scrape time instead: app/ registers them as function gauges.
//
// Thread-safety: as metrics.h; the members are references into the registry, which must outlive
// this object.
#ifndef PARLEY_METRICS_SERVER_METRICS_H_
#define PARLEY_METRICS_SERVER_METRICS_H_

#include "metrics/metrics.h"

namespace parley::metrics {

struct ServerMetrics {
  explicit ServerMetrics(Registry& registry);

  Counter& messages_received;     // new messages stored from their senders
  Counter& messages_delivered;    // (message, online recipient) pairs handed to devices
  Histogram& ack_latency;         // a send taken by the domain -> its ack queued to the sender
  Histogram& commit_latency;      // one writer transaction, begin to commit
  Histogram& commit_batch_size;   // commands per writer transaction
  Histogram& fanout_lag;          // a commit's end -> its acks and events queued to devices
  Gauge& sessions_syncing;        // WebSocket sessions still replaying what they missed
  Counter& replayed_messages;     // messages replayed to reconnecting devices
  CounterVec& push_outcomes;      // {provider, outcome}: delivered, retry, gone, failed
  CounterVec& errors;             // {code, transport}: every error answer, by protocol code
  Counter& media_bytes_received;  // upload bytes accepted
};

}  // namespace parley::metrics

#endif  // PARLEY_METRICS_SERVER_METRICS_H_
