#include "metrics/server_metrics.h"

namespace parley::metrics {

ServerMetrics::ServerMetrics(Registry& registry)
    : messages_received(registry.AddCounter("parley_messages_received_total",
                                            "New messages stored from their senders.")),
      messages_delivered(
          registry.AddCounter("parley_messages_delivered_total",
                              "Messages handed to an online recipient, counted per recipient.")),
      ack_latency(registry.AddHistogram(
          "parley_ack_latency_seconds",
          "From a send taken by the server to its ack queued to the sender.", LatencyBuckets())),
      commit_latency(registry.AddHistogram("parley_commit_latency_seconds",
                                           "One writer transaction, begin to commit.",
                                           LatencyBuckets())),
      commit_batch_size(registry.AddHistogram("parley_commit_batch_size",
                                              "Commands committed per writer transaction.",
                                              {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})),
      fanout_lag(registry.AddHistogram(
          "parley_fanout_lag_seconds",
          "From a commit to its acks and events queued to the devices online.", LatencyBuckets())),
      sessions_syncing(registry.AddGauge("parley_replay_sessions",
                                         "WebSocket sessions replaying the messages they missed.")),
      replayed_messages(registry.AddCounter("parley_replayed_messages_total",
                                            "Messages replayed to reconnecting devices.")),
      push_outcomes(registry.AddCounterVec("parley_push_outcomes_total",
                                           "Push requests by provider and outcome.",
                                           {"provider", "outcome"})),
      errors(registry.AddCounterVec("parley_errors_total",
                                    "Error answers by protocol code and transport (http, ws).",
                                    {"code", "transport"})),
      media_bytes_received(
          registry.AddCounter("parley_media_received_bytes_total", "Upload bytes accepted.")) {}

}  // namespace parley::metrics
