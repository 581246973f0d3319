#include "store/sqlite/connection_pool.h"

#include <utility>

namespace parley::store::sqlite {

ConnectionPool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Return(std::move(db_));
}

ConnectionPool::ConnectionPool(std::string path, DbOptions options, size_t max_idle)
    : path_(std::move(path)), options_(options), max_idle_(max_idle) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Db> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // Opened outside the lock: opening touches the file and should not stall other readers.
  DbOptions options = options_;
  options.writer = false;
  options.create = false;
  Result<std::unique_ptr<Db>> db = Db::Open(path_, options);
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

}  // namespace parley::store::sqlite
