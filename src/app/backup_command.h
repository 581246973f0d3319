// `parleyd backup` and `parleyd restore`: the operator's commands around app/backup.h.
//
//   parleyd backup  --to DIR   [--config FILE] [--data-dir D] [--media-dir M]
//   parleyd restore --from DIR [--config FILE] [--data-dir D] [--media-dir M]
//
// Every option but --to/--from is a parleyd setting (app/config.h), so the same config file
// names the data and media directories. backup runs beside a serving parleyd (it opens the
// databases read-only, from its own connections); restore is for a stopped server and an empty
// data dir. Both print one line with what they did and return the process exit status: 0 done,
// 1 failed (the reason on stderr), 2 bad usage.
#ifndef PARLEY_APP_BACKUP_COMMAND_H_
#define PARLEY_APP_BACKUP_COMMAND_H_

#include <string>
#include <string_view>
#include <vector>

#include "app/backup.h"
#include "app/config.h"

namespace parley::app {

bool IsBackupCommand(std::string_view word);

// `args` follows the command word.
int RunBackupCommand(std::string_view command, std::vector<std::string> args);

// Takes "--NAME VALUE" or "--NAME=VALUE" out of `args`; "" when absent.
std::string TakeOption(std::vector<std::string>& args, const std::string& name);

// The data and media directories `config` names (media: <data-dir>/media by default).
DataPaths DataPathsOf(const Config& config);

}  // namespace parley::app

#endif  // PARLEY_APP_BACKUP_COMMAND_H_
