// `parleyd migrate-to-postgres`: the operator's command around app/postgres_migration.h.
//
//   parleyd migrate-to-postgres --postgres CONNINFO [--config FILE] [--data-dir D]
//
// Copies <data-dir>/parley.db into the PostgreSQL database --postgres names (the parleyd setting,
// so a config file may carry it). The server must be stopped; a killed run resumes when run
// again. Prints one line per table ("users: 12 rows, checksum ok") and a final line, and returns
// the process exit status: 0 done, 1 failed (the reason on stderr, never the conninfo), 2 bad
// usage.
#ifndef PARLEY_APP_MIGRATE_COMMAND_H_
#define PARLEY_APP_MIGRATE_COMMAND_H_

#include <string>
#include <string_view>
#include <vector>

namespace parley::app {

bool IsMigrateCommand(std::string_view word);

// `args` follows the command word.
int RunMigrateCommand(std::vector<std::string> args);

}  // namespace parley::app

#endif  // PARLEY_APP_MIGRATE_COMMAND_H_
