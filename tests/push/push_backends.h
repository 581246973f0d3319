// The databases push state runs on (push/push_db.h), for the push store suites: SQLite (a
// push.db file in the test's directory) and PostgreSQL (the `push` schema of a database of the
// test's own on the test server, tests/store/backends.h). Header-only test support;
// tests that use it link parley_postgres_server.
#ifndef PARLEY_TESTS_PUSH_PUSH_BACKENDS_H_
#define PARLEY_TESTS_PUSH_PUSH_BACKENDS_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

#include "push/push_db.h"
#include "push/push_store.h"
#include "tests/store/backends.h"

namespace parley::push {

// Where the push state of the test directory `dir` lives; the same `dir` again finds the same
// data.
using PushDbFactory = Result<PushDbOptions> (*)(const std::string& dir);

struct PushBackend {
  std::string name;
  PushDbFactory where;
};

inline void PrintTo(const PushBackend& backend, std::ostream* os) { *os << backend.name; }

inline Result<PushDbOptions> SqlitePushDb(const std::string& dir) {
  return PushDbOptions{(std::filesystem::path(dir) / "push.db").string(), false, ""};
}

inline Result<PushDbOptions> PostgresPushDb(const std::string& dir) {
  Result<std::string> conninfo = store::OpenPostgresDatabase(dir);
  if (!conninfo.ok()) return conninfo.status();
  return PushDbOptions{"", false, *conninfo};
}

inline auto AllPushBackends() {
  return testing::Values(PushBackend{"sqlite", &SqlitePushDb},
                         PushBackend{"postgres", &PostgresPushDb});
}

inline std::string PushBackendName(const testing::TestParamInfo<PushBackend>& info) {
  return info.param.name;
}

// A job for `target` of message `seq` in `conversation` (collapse key "c<conversation>", body
// "m<seq>"): the outbox suites' queued notification.
inline PushStore::NewJob JobFor(const Target& target, int64_t conversation, int64_t seq) {
  Job job;
  job.collapse_key = "c" + std::to_string(conversation);
  job.conversation_id = conversation;
  job.seq = seq;
  job.body = "m" + std::to_string(seq);
  return PushStore::NewJob{target.id, job};
}

}  // namespace parley::push

#endif  // PARLEY_TESTS_PUSH_PUSH_BACKENDS_H_
