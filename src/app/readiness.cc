#include "app/readiness.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>

namespace parley::app {

Readiness::Readiness(chat::MessageWriter& writer, std::string data_dir,
                     std::chrono::milliseconds timeout, std::chrono::milliseconds reuse_for)
    : writer_(writer),
      probe_path_((std::filesystem::path(data_dir) / ".readyz-probe").string()),
      timeout_(timeout),
      reuse_for_(reuse_for) {}

Status Readiness::Check() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (probed_ && now - last_at_ < reuse_for_) return last_;
  }
  std::unique_lock probing(probing_, std::try_to_lock);
  if (!probing.owns_lock()) {
    std::lock_guard lock(mutex_);
    return last_;  // a probe is running: its predecessor's answer, or "not probed yet"
  }
  Status result = Probe();
  std::lock_guard lock(mutex_);
  last_ = result;
  last_at_ = std::chrono::steady_clock::now();
  probed_ = true;
  return result;
}

Status Readiness::Probe() {
  if (Status s = ProbeDataDir(); !s.ok()) return s;
  return ProbeWriter();
}

Status Readiness::ProbeDataDir() {
  const int fd = ::open(probe_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kUnavailable,
                  std::string("data dir not writable: ") + std::strerror(errno));
  }
  const char byte = '1';
  const bool written = ::write(fd, &byte, 1) == 1 && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written) {
    return Status(Code::kUnavailable,
                  std::string("data dir not writable: ") + std::strerror(error));
  }
  return Status::Ok();
}

Status Readiness::ProbeWriter() {
  // Shared with the task's callback, which may run after a timed-out probe returned.
  auto committed = std::make_shared<std::promise<Status>>();
  std::future<Status> outcome = committed->get_future();
  Status queued =
      writer_.Submit([](store::WriteTxn&, chat::ConversationCache&) { return Status::Ok(); },
                     [committed](Status status) { committed->set_value(std::move(status)); });
  if (!queued.ok()) return Status(Code::kUnavailable, "writer refused work: " + queued.message());
  if (outcome.wait_for(timeout_) != std::future_status::ready) {
    return Status(Code::kUnavailable,
                  "writer did not commit within " + std::to_string(timeout_.count()) + " ms");
  }
  Status status = outcome.get();
  if (!status.ok()) return Status(Code::kUnavailable, "store commit failed: " + status.message());
  return Status::Ok();
}

}  // namespace parley::app
