#include "client/event_loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/event_loop_impl.h"

namespace parley::client {

namespace asio = boost::asio;

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() = default;

void EventLoop::Run() {
  auto guard = asio::make_work_guard(impl_->io);
  impl_->io.restart();
  impl_->io.run();
}

bool EventLoop::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (impl_->io.stopped()) impl_->io.restart();
    if (impl_->io.run_one_for(deadline - now) == 0 && impl_->io.stopped()) {
      // Out of work (not a timeout): nothing pending can change done() any more.
      if (std::chrono::steady_clock::now() < deadline) return done();
    }
  }
  return true;
}

void EventLoop::Stop() { impl_->io.stop(); }

void EventLoop::Post(std::function<void()> fn) { asio::post(impl_->io, std::move(fn)); }

void EventLoop::After(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<asio::steady_timer>(impl_->io, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

}  // namespace parley::client
