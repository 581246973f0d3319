// MediaCleanup: a thread that runs MediaService::CleanUp every `period` (expired uploads,
// media never used, their blobs), so abandoned bytes do not pile up on disk.
//
// Thread-safety: the constructor starts the thread; Stop() (idempotent; the destructor calls
// it) wakes and joins it, waiting for a pass in progress. Ownership: borrows the service,
// which must outlive it.
#ifndef PARLEY_CHAT_MEDIA_CLEANUP_H_
#define PARLEY_CHAT_MEDIA_CLEANUP_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "chat/media_service.h"

namespace parley::chat {

class MediaCleanup {
 public:
  MediaCleanup(MediaService& media, std::chrono::milliseconds period);
  ~MediaCleanup();
  MediaCleanup(const MediaCleanup&) = delete;
  MediaCleanup& operator=(const MediaCleanup&) = delete;

  void Stop();

 private:
  void Run();

  MediaService& media_;
  const std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: starts after everything above is initialised
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MEDIA_CLEANUP_H_
