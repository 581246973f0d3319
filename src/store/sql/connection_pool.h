// ConnectionPool: read connections lent to one thread at a time, of either driver.
//
// A reader sees the last committed state and never waits for the writer (SQLite in WAL mode,
// PostgreSQL's MVCC), so reads run on these connections while the writer connection holds its
// transaction. Acquire() reuses an idle connection or opens a new one: there is one connection per
// concurrently reading thread, and at most `max_idle` are kept open between reads.
//
// Thread-safety: Acquire() and the return of a Lease may be called from any thread. A Lease
// (and its Db) belongs to the thread that acquired it and must not outlive the pool. A Lease
// returned with a transaction still open is rolled back first, so no snapshot stays pinned.
#ifndef PARLEY_STORE_SQL_CONNECTION_POOL_H_
#define PARLEY_STORE_SQL_CONNECTION_POOL_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/sql/sql_db.h"

namespace parley::store::sql {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Db& db() { return *db_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}

    ConnectionPool* pool_;
    std::unique_ptr<Db> db_;
  };

  // Opens one read connection of the store's database.
  using Opener = std::function<Result<std::unique_ptr<Db>>()>;

  ConnectionPool(Opener open, size_t max_idle);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<Db> db);

  const Opener open_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Db>> idle_;  // guarded by mu_
};

}  // namespace parley::store::sql

#endif  // PARLEY_STORE_SQL_CONNECTION_POOL_H_
