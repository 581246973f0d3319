#include "store/sql/connection_pool.h"

#include <utility>

namespace parley::store::sql {

ConnectionPool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Return(std::move(db_));
}

ConnectionPool::ConnectionPool(Opener open, size_t max_idle)
    : open_(std::move(open)), max_idle_(max_idle) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Db> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // Opened outside the lock: opening is slow and should not stall other readers.
  Result<std::unique_ptr<Db>> db = open_();
  if (!db.ok()) return db.status();
  return Lease(this, std::move(*db));
}

void ConnectionPool::Return(std::unique_ptr<Db> db) {
  if (db->InTransaction()) {
    // Only reached when a reader failed between BEGIN and COMMIT without its Transaction
    // guard: rolling back ends the snapshot so checkpoints are not held back.
    (void)db->Exec("ROLLBACK");
  }
  std::unique_ptr<Db> surplus;
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(db));
  } else {
    surplus = std::move(db);  // closed after the lock is released (declared before `lock`)
  }
}

}  // namespace parley::store::sql
