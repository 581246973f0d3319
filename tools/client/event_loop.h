// EventLoop: one Asio io_context behind a small interface, so users of the client library do not
// include Asio. WsConnection objects live on an EventLoop; the load tool runs thousands of them
// on one loop and one thread.
//
// Thread-safety: Post() and Stop() may be called from any thread; everything else, and every
// callback, runs on the thread that calls Run()/RunUntil(). The EventLoop must outlive every
// connection and timer created on it.
#ifndef PARLEY_TOOLS_CLIENT_EVENT_LOOP_H_
#define PARLEY_TOOLS_CLIENT_EVENT_LOOP_H_

#include <chrono>
#include <functional>
#include <memory>

namespace parley::client {

class EventLoop {
 public:
  struct Impl;  // defined in event_loop_impl.h, for the library's own .cc files

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs handlers until Stop() is called (idle waiting included).
  void Run();
  // Runs handlers until done() is true or `timeout` passes; returns done(). Returns early when
  // no work is left that could change done(). For blocking front-ends.
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Makes Run() return soon. Thread-safe.
  void Stop();
  // Queues fn to run on the loop thread. Thread-safe.
  void Post(std::function<void()> fn);
  // Runs fn on the loop thread after `delay`. Timers cannot be cancelled: let fn check state.
  void After(std::chrono::milliseconds delay, std::function<void()> fn);

  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_EVENT_LOOP_H_
