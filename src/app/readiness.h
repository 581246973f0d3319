// Readiness: the answer to /readyz. The server is ready when it can take writes: a small file in
// the data directory can be written and synced (the disk is there, writable, not full) and the
// message writer commits an empty task within `timeout` (its thread runs and SQLite's write lock
// can be taken). Shutting down is the net layer's part of the answer (net/api.cc).
//
// Bounds: a load balancer, or anyone, may ask often. One probe runs at a time and its result is
// reused for `reuse_for`; a request arriving while a probe runs gets the last result at once, so
// probes never pile up on the worker threads or in the writer's queue.
//
// Thread-safety: Check() is thread-safe and blocks up to `timeout` (call it from a worker
// thread). Ownership: borrows the writer, which must outlive it.
#ifndef PARLEY_APP_READINESS_H_
#define PARLEY_APP_READINESS_H_

#include <chrono>
#include <mutex>
#include <string>

#include "base/status.h"
#include "chat/messaging/message_writer.h"

namespace parley::app {

class Readiness {
 public:
  Readiness(chat::MessageWriter& writer, std::string data_dir,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
            std::chrono::milliseconds reuse_for = std::chrono::milliseconds(1000));

  // OK when ready; kUnavailable with the reason otherwise.
  Status Check();

 private:
  Status Probe();
  Status ProbeDataDir();
  Status ProbeWriter();

  chat::MessageWriter& writer_;
  const std::string probe_path_;
  const std::chrono::milliseconds timeout_;
  const std::chrono::milliseconds reuse_for_;

  std::mutex probing_;  // held by the one probe running
  std::mutex mutex_;
  Status last_ = Status(Code::kUnavailable, "not probed yet");  // guarded by mutex_
  std::chrono::steady_clock::time_point last_at_{};             // guarded by mutex_
  bool probed_ = false;                                         // guarded by mutex_
};

}  // namespace parley::app

#endif  // PARLEY_APP_READINESS_H_
