#include "chat/media_cleanup.h"

#include <string>

#include "base/clock.h"
#include "base/log.h"

namespace parley::chat {

MediaCleanup::MediaCleanup(MediaService& media, std::chrono::milliseconds period)
    : media_(media), period_(period), thread_([this] { Run(); }) {}

MediaCleanup::~MediaCleanup() { Stop(); }

void MediaCleanup::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MediaCleanup::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, period_, [this] { return stopping_; })) return;
    lock.unlock();
    auto counts = media_.CleanUp(NowMillis());
    if (!counts.ok()) {
      Log(LogLevel::kWarning, "media_cleanup_failed", {{"reason", counts.status().message()}});
    } else if (counts->uploads + counts->media + counts->blobs > 0) {
      Log(LogLevel::kInfo, "media_cleanup",
          {{"uploads", std::to_string(counts->uploads)},
           {"media", std::to_string(counts->media)},
           {"blobs", std::to_string(counts->blobs)}});
    }
    lock.lock();
  }
}

}  // namespace parley::chat
