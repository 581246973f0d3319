#include "media/staged_file.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace parley::media::internal {

StagedFile::StagedFile(std::string target) : target_(std::move(target)) {
  std::string pattern = target_ + ".XXXXXX";
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    status_ = Status(Code::kInternal,
                     "cannot create a file beside " + target_ + ": " + std::strerror(errno));
    return;
  }
  close(fd);
  path_ = std::move(pattern);
}

StagedFile::~StagedFile() {
  if (!path_.empty() && !committed_) unlink(path_.c_str());
}

Status StagedFile::Commit() {
  if (!status_.ok()) return status_;
  if (std::rename(path_.c_str(), target_.c_str()) != 0) {
    return Status(Code::kInternal, "cannot rename onto " + target_ + ": " + std::strerror(errno));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace parley::media::internal
