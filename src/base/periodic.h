// Periodic: a thread that runs a pass every `period` until stopped (cleanup, indexing).
//
// Contract
// - The first pass runs one period after construction; passes never overlap.
// - Stop() (idempotent; the destructor calls it) wakes the thread and joins it, waiting for a
//   pass in progress to finish. The pass must not call Stop().
#ifndef PARLEY_BASE_PERIODIC_H_
#define PARLEY_BASE_PERIODIC_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace parley {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds period, std::function<void()> pass);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  void Stop();

 private:
  void Run();

  const std::chrono::milliseconds period_;
  const std::function<void()> pass_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: starts after everything above is initialised
};

}  // namespace parley

#endif  // PARLEY_BASE_PERIODIC_H_
