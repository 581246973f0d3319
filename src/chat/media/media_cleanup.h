// MediaCleanup: runs MediaService::CleanUp every `period` on a thread of its own (expired
// uploads, media never used, their blobs, strays), so abandoned bytes do not pile up on disk.
//
// Thread-safety: the constructor starts the thread; Stop() (idempotent; the destructor calls
// it) joins it, waiting for a pass in progress. Ownership: borrows the service, which must
// outlive it.
#ifndef PARLEY_CHAT_MEDIA_MEDIA_CLEANUP_H_
#define PARLEY_CHAT_MEDIA_MEDIA_CLEANUP_H_

#include <chrono>

#include "base/periodic.h"
#include "chat/media/media_service.h"

namespace parley::chat {

class MediaCleanup {
 public:
  MediaCleanup(MediaService& media, std::chrono::milliseconds period);
  void Stop() { periodic_.Stop(); }

 private:
  void Pass();

  MediaService& media_;
  Periodic periodic_;  // last: its thread starts after media_ is set
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MEDIA_MEDIA_CLEANUP_H_
