// TempDir: a fresh directory under the system temporary directory (mkdtemp), removed with
// everything in it when the object is destroyed. path() is empty if it could not be made.
#ifndef PARLEY_TESTS_SUPPORT_TEMP_DIR_H_
#define PARLEY_TESTS_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace parley::testing_support {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "parley-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace parley::testing_support

#endif  // PARLEY_TESTS_SUPPORT_TEMP_DIR_H_
