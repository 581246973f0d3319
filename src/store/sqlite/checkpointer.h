// Checkpointer: copies the WAL back into the database file from its own thread and connection,
// so commits rarely pay for a checkpoint (SQLite's automatic checkpoint runs inside the commit
// that crosses its threshold and stalls that batch of messages while it copies every page).
//
// Every `interval` the thread runs a PASSIVE checkpoint, which never blocks the writer or
// readers. Under steady load a passive checkpoint cannot finish (the writer keeps appending), and
// SQLite rewinds the WAL only after a checkpoint that finished; so the writer keeps a high
// `wal_autocheckpoint` as well: when it fires, nearly every page has already been copied by this
// thread, the inline checkpoint is short, and the next commit starts the WAL from its beginning.
// Failures are logged and retried at the next tick. Stop() (also run by the destructor) ends and
// joins the thread.
#ifndef PARLEY_STORE_SQLITE_CHECKPOINTER_H_
#define PARLEY_STORE_SQLITE_CHECKPOINTER_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/sqlite_db.h"

namespace parley::store::sqlite {

class Checkpointer {
 public:
  Checkpointer(std::unique_ptr<Db> connection, std::chrono::milliseconds interval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  void Stop();

 private:
  void Run();

  std::unique_ptr<Db> db_;  // used only by the thread
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: starts after everything above is initialised
};

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_CHECKPOINTER_H_
