// `parleyd media migrate --to s3|local`: copies every blob the database names from the other
// backend into the one named (docs/operations.md, "Media on S3-compatible storage").
//
//   parleyd media migrate --to s3|local [--config FILE] [--data-dir D] [--media-dir M] [--s3-...]
//
// Every option but --to is a parleyd setting, so the config file of the server names both the
// media directory and the bucket. Resumable: a blob the target already holds with the right size
// is skipped (the target's Put checks the bytes against their digest, so what was copied is
// whole). Blobs stay in the source: the operator switches media-store and restarts, then may
// remove the old copies. Prints a progress line every 100 blobs and a final count; returns the
// exit status: 0 every named blob is in the target, 1 failed or blobs missing from the source
// (stderr says which), 2 bad usage.
#ifndef PARLEY_APP_MEDIA_COMMAND_H_
#define PARLEY_APP_MEDIA_COMMAND_H_

#include <string>
#include <string_view>
#include <vector>

namespace parley::app {

bool IsMediaCommand(std::string_view word);

// `args` follows the command word.
int RunMediaCommand(std::vector<std::string> args);

}  // namespace parley::app

#endif  // PARLEY_APP_MEDIA_COMMAND_H_
