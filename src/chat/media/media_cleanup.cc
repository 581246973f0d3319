#include "chat/media/media_cleanup.h"

#include <string>

#include "base/clock.h"
#include "base/log.h"

namespace parley::chat {

MediaCleanup::MediaCleanup(MediaService& media, std::chrono::milliseconds period)
    : media_(media), periodic_(period, [this] { Pass(); }) {}

void MediaCleanup::Pass() {
  auto counts = media_.CleanUp(NowMillis());
  if (!counts.ok()) {
    Log(LogLevel::kWarning, "media_cleanup_failed", {{"reason", counts.status().message()}});
  } else if (counts->uploads + counts->media + counts->blobs + counts->strays > 0) {
    Log(LogLevel::kInfo, "media_cleanup",
        {{"uploads", std::to_string(counts->uploads)},
         {"media", std::to_string(counts->media)},
         {"blobs", std::to_string(counts->blobs)},
         {"strays", std::to_string(counts->strays)}});
  }
}

}  // namespace parley::chat
