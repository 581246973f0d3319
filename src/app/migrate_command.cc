#include "app/migrate_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "app/backup_command.h"
#include "app/config.h"
#include "app/postgres_migration.h"

namespace parley::app {
namespace {

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "parleyd migrate-to-postgres: %s\nusage: parleyd migrate-to-postgres --postgres "
               "CONNINFO [--config FILE] [--data-dir D]\n",
               why.c_str());
  return 2;
}

}  // namespace

bool IsMigrateCommand(std::string_view word) { return word == "migrate-to-postgres"; }

int RunMigrateCommand(std::vector<std::string> args) {
  // Taken out first: the SQLite deployment's own config (scheduled backups, say) need not be
  // valid for a server on PostgreSQL.
  std::string conninfo = TakeOption(args, "postgres");
  Result<Config> config = ParseConfig(args);
  if (!config.ok()) return Usage(config.status().message());
  if (conninfo.empty()) conninfo = config->postgres;
  if (conninfo.empty()) return Usage("--postgres CONNINFO is required");
  PostgresMigrationOptions options;
  options.sqlite_path = (std::filesystem::path(config->data_dir) / "parley.db").string();
  options.push_path = (std::filesystem::path(config->data_dir) / "push.db").string();
  options.conninfo = conninfo;
  options.on_line = [](const std::string& line) { std::printf("%s\n", line.c_str()); };
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<TableCopy>> copied = MigrateToPostgres(options);
  if (!copied.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "parleyd migrate-to-postgres failed: %s\n",
                 copied.status().message().c_str());
    return 1;
  }
  int64_t rows = 0;
  for (const TableCopy& table : *copied) rows += table.rows;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::printf("parleyd migrate-to-postgres done: %zu tables, %lld rows verified, %lld ms\n",
              copied->size(), static_cast<long long>(rows), static_cast<long long>(ms));
  return 0;
}

}  // namespace parley::app
