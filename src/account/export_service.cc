#include "account/export_service.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include "account/export_writer.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/random_hex.h"

namespace parley::account {
namespace {

namespace fs = std::filesystem;

// How often the thread looks for expired exports while idle.
constexpr std::chrono::seconds kExpiryScan{60};

Status NoExport() { return Status(Code::kNotFound, "no such export"); }

}  // namespace

std::string_view ExportStateName(ExportState state) {
  switch (state) {
    case ExportState::kQueued:
      return "queued";
    case ExportState::kRunning:
      return "running";
    case ExportState::kReady:
      return "ready";
    case ExportState::kFailed:
      return "failed";
  }
  return "failed";
}

ExportService::ExportService(store::Store& store, chat::Service& chat, media::BlobStore& blobs,
                             ExportOptions options)
    : store_(store), chat_(chat), blobs_(blobs), options_(std::move(options)) {
  if (options_.dir.empty()) return;
  // State is in memory: what an earlier run left is no one's any more.
  std::error_code ec;
  fs::remove_all(options_.dir, ec);
  fs::create_directories(options_.dir, ec);
  thread_ = std::thread([this] { Run(); });
}

ExportService::~ExportService() { Stop(); }

void ExportService::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string ExportService::ZipPath(const std::string& id) const {
  return (fs::path(options_.dir) / (id + ".zip")).string();
}

Result<ExportStatus> ExportService::Start(int64_t user_id, int64_t now) {
  if (options_.dir.empty()) return Status(Code::kUnavailable, "exports are off on this server");
  std::lock_guard lock(mu_);
  ExpireLocked(now);
  if (stopping_) return Status(Code::kUnavailable, "the server is stopping");
  auto existing = exports_.find(user_id);
  if (existing != exports_.end()) {
    switch (existing->second.state) {
      case ExportState::kQueued:
      case ExportState::kRunning:
        return Status(Code::kConflict, "an export of yours is already being prepared");
      case ExportState::kReady:
        return Status(Code::kConflict, "your last export is ready to download until it expires");
      case ExportState::kFailed:
        break;
    }
  }
  if (queue_.size() >= options_.max_queued) {
    return Status(Code::kUnavailable, "too many exports are waiting; try again later");
  }
  if (existing != exports_.end()) {
    std::error_code ignored;
    fs::remove(ZipPath(existing->second.id), ignored);
  }
  ExportStatus status{.id = RandomHex(16), .started_at = now};
  exports_[user_id] = status;
  queue_.push_back(user_id);
  wake_.notify_all();
  return status;
}

Result<ExportStatus> ExportService::StatusOf(int64_t user_id, int64_t now) {
  std::lock_guard lock(mu_);
  ExpireLocked(now);
  auto found = exports_.find(user_id);
  if (found == exports_.end()) return NoExport();
  return found->second;
}

Result<ExportFile> ExportService::Download(int64_t user_id, std::string_view export_id,
                                           int64_t now) {
  std::lock_guard lock(mu_);
  ExpireLocked(now);
  auto found = exports_.find(user_id);
  if (found == exports_.end() || found->second.id != export_id ||
      found->second.state != ExportState::kReady) {
    return NoExport();
  }
  return ExportFile{ZipPath(found->second.id), found->second.size};
}

void ExportService::Forget(int64_t user_id) {
  std::lock_guard lock(mu_);
  auto found = exports_.find(user_id);
  if (found == exports_.end()) return;
  std::error_code ignored;
  fs::remove(ZipPath(found->second.id), ignored);
  std::erase(queue_, user_id);
  exports_.erase(found);
}

void ExportService::ExpireLocked(int64_t now) {
  for (auto it = exports_.begin(); it != exports_.end();) {
    const ExportStatus& status = it->second;
    const bool finished =
        status.state == ExportState::kReady || status.state == ExportState::kFailed;
    if (finished && status.expires_at <= now) {
      std::error_code ignored;
      fs::remove(ZipPath(status.id), ignored);
      it = exports_.erase(it);
    } else {
      ++it;
    }
  }
}

void ExportService::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, kExpiryScan, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    ExpireLocked(NowMillis());
    if (queue_.empty()) continue;
    const int64_t user_id = queue_.front();
    queue_.pop_front();
    ExportStatus& status = exports_.at(user_id);
    status.state = ExportState::kRunning;
    const std::string id = status.id;
    const ExportTarget target{.user_id = user_id,
                              .staging_dir = (fs::path(options_.dir) / (id + ".parts")).string(),
                              .zip_path = ZipPath(id),
                              .max_bytes = options_.max_bytes,
                              .now = NowMillis()};
    lock.unlock();
    // Progress is written under the lock; the export itself runs without it.
    const auto progress = [this, user_id, &id](int64_t done, int64_t total) {
      std::lock_guard progress_lock(mu_);
      auto found = exports_.find(user_id);
      if (found == exports_.end() || found->second.id != id) return;
      found->second.items_done = done;
      found->second.items_total = total;
    };
    Result<int64_t> size = WriteExport(store_, chat_, blobs_, target, progress);
    lock.lock();
    auto found = exports_.find(user_id);
    if (found == exports_.end() || found->second.id != id) {
      // Forgotten meanwhile (the account was deleted): nobody may have it.
      std::error_code ignored;
      fs::remove(target.zip_path, ignored);
      continue;
    }
    ExportStatus& done = found->second;
    done.expires_at = NowMillis() + options_.keep_ms;
    if (size.ok()) {
      done.state = ExportState::kReady;
      done.size = *size;
      done.items_done = done.items_total;
    } else {
      done.state = ExportState::kFailed;
      done.error = size.status();
      Log(LogLevel::kWarning, "export_failed",
          {{"user_id", std::to_string(user_id)},
           {"code", std::string(CodeName(size.status().code()))}});
    }
  }
}

}  // namespace parley::account
