#include "base/periodic.h"

#include <utility>

namespace parley {

Periodic::Periodic(std::chrono::milliseconds period, std::function<void()> pass)
    : period_(period), pass_(std::move(pass)), thread_([this] { Run(); }) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Periodic::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, period_, [this] { return stopping_; })) return;
    lock.unlock();
    pass_();
    lock.lock();
  }
}

}  // namespace parley
