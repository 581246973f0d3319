#include "store/sqlite/checkpointer.h"

#include "base/log.h"

namespace parley::store::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Db> connection, std::chrono::milliseconds interval)
    : db_(std::move(connection)), interval_(interval), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (Status s = db_->Exec("PRAGMA wal_checkpoint(PASSIVE)"); !s.ok()) {
      Log(LogLevel::kWarning, "wal_checkpoint_failed", {{"reason", s.message()}});
    }
    lock.lock();
  }
}

}  // namespace parley::store::sqlite
