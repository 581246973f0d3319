// Internal to media/: StagedFile, a temporary file beside a target path that becomes the target
// only on Commit(). Outputs are written to the staged path; if the object is destroyed before
// Commit() (any failure on the way), the temporary file is removed, so a failure leaves nothing.
// The temporary file is in the target's directory, so Commit() is an atomic rename.
#ifndef PARLEY_MEDIA_STAGED_FILE_H_
#define PARLEY_MEDIA_STAGED_FILE_H_

#include <string>

#include "base/status.h"

namespace parley::media::internal {

class StagedFile {
 public:
  // Creates an empty, uniquely named file "<target>.XXXXXX"; check status() before use.
  explicit StagedFile(std::string target);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const Status& status() const { return status_; }
  const std::string& path() const { return path_; }
  // Renames the staged file onto the target (replacing it). After that it is no longer removed.
  Status Commit();

 private:
  std::string target_;
  std::string path_;
  Status status_;
  bool committed_ = false;
};

}  // namespace parley::media::internal

#endif  // PARLEY_MEDIA_STAGED_FILE_H_
