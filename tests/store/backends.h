// The Store backends every conformance suite runs on (store_test, social_store_test,
// group_store_test). A new backend (PostgreSQL) joins every suite by being added to
// AllBackends(). Header-only test support.
#ifndef PARLEY_TESTS_STORE_BACKENDS_H_
#define PARLEY_TESTS_STORE_BACKENDS_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"

namespace parley::store {

// Opens a store whose data lives under `dir`, a fresh directory per test. Opening again with
// the same `dir` must reopen the same data (a server backend may derive a schema name from it).
using StoreFactory = std::function<Result<std::unique_ptr<Store>>(const std::string& dir)>;

struct Backend {
  std::string name;
  StoreFactory open;
};

inline void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

inline Result<std::unique_ptr<Store>> OpenSqlite(const std::string& dir) {
  SqliteOptions options;
  options.path = dir + "/parley.db";
  return OpenSqliteStore(options);
}

inline auto AllBackends() { return testing::Values(Backend{"sqlite", &OpenSqlite}); }

inline std::string BackendName(const testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

}  // namespace parley::store

#endif  // PARLEY_TESTS_STORE_BACKENDS_H_
