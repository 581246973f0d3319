// The Store backends every conformance suite runs on (store_test, social_store_test,
// group_store_test). A new backend (PostgreSQL) joins every suite by being added to
// AllBackends(). BackendTest is a fixture for such a suite: a fresh store per test, and users.
// Header-only test support.
#ifndef PARLEY_TESTS_STORE_BACKENDS_H_
#define PARLEY_TESTS_STORE_BACKENDS_H_

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

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

// The conninfo of the PostgreSQL database of `dir` on the test server (PostgresServer::Shared,
// tests/support/postgres_server.h), created if missing: its name is the directory's basename
// ("parley-test-Ab12xy" -> "parley_test_Ab12xy"), so opening again with the same `dir` finds
// the same data. Tests that call it link parley_postgres_server.
inline Result<std::string> OpenPostgresDatabase(const std::string& dir) {
  std::string error;
  testing_support::PostgresServer* server = testing_support::PostgresServer::Shared(&error);
  if (server == nullptr) return Status(Code::kInternal, error);
  std::string name = std::filesystem::path(dir).filename().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  Result<std::string> created = server->CreateDatabase(name);
  if (!created.ok() && created.status().code() == Code::kConflict) return server->ConnInfo(name);
  return created;
}

inline Result<std::unique_ptr<Store>> OpenPostgres(const std::string& dir) {
  Result<std::string> conninfo = OpenPostgresDatabase(dir);
  if (!conninfo.ok()) return conninfo.status();
  return OpenPostgresStore(PostgresOptions{*conninfo});
}

inline auto AllBackends() {
  return testing::Values(Backend{"sqlite", &OpenSqlite}, Backend{"postgres", &OpenPostgres});
}

inline std::string BackendName(const testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

// A fresh store of the parameter's backend in a temporary directory, per test.
class BackendTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Result<std::unique_ptr<Store>> opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }

  // A new user named `name`; 0 (and a test failure) if that fails.
  int64_t AddUser(const std::string& name) {
    Result<User> user = store_->CreateUser({name, name, "$argon2id$x", 1000});
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? user->id : 0;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace parley::store

#endif  // PARLEY_TESTS_STORE_BACKENDS_H_
