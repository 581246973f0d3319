#include "media/blob_store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace parley::media {
namespace {

constexpr size_t kDigestHexLength = crypto_hash_sha256_BYTES * 2;
constexpr size_t kReadChunk = 64 * 1024;

Status Errno(std::string_view what, const std::string& path) {
  return Status(Code::kInternal, std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status FsyncPath(const std::string& path, int flags) {
  Fd fd(open(path.c_str(), flags | O_CLOEXEC));
  if (fd.get() < 0) return Errno("open", path);
  if (fsync(fd.get()) != 0) return Errno("fsync", path);
  return Status::Ok();
}

Status CheckDigest(const std::string& digest) {
  if (IsDigest(digest)) return Status::Ok();
  return Status(Code::kInvalidArgument, "not a blob digest");
}

// Makes `path` a directory if it is not one; fsyncs its parent when it was created, so the new
// directory entry survives a crash before the blob inside it is reported durable.
Status EnsureDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0700) == 0) {
    return FsyncPath(std::filesystem::path(path).parent_path().string(), O_RDONLY | O_DIRECTORY);
  }
  if (errno == EEXIST) return Status::Ok();
  return Errno("mkdir", path);
}

class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(std::string blobs) : blobs_(std::move(blobs)) {}

  Result<std::string> Put(const std::string& path) override {
    Result<std::string> digest = Sha256OfFile(path);
    if (!digest.ok()) return digest.status();
    const std::string shard = blobs_ + "/" + digest->substr(0, 2);
    if (Status made = EnsureDirectory(shard); !made.ok()) return made;
    const std::string target = shard + "/" + *digest;
    struct stat existing;
    if (stat(target.c_str(), &existing) == 0) {
      // The same bytes are stored already (and were made durable by the Put that stored them);
      // the file given is dropped, unless it is that very blob.
      struct stat given;
      const bool same_file = stat(path.c_str(), &given) == 0 && given.st_dev == existing.st_dev &&
                             given.st_ino == existing.st_ino;
      if (!same_file && unlink(path.c_str()) != 0) return Errno("unlink", path);
      return digest;
    }
    if (Status synced = FsyncPath(path, O_RDONLY); !synced.ok()) return synced;
    if (rename(path.c_str(), target.c_str()) != 0) return Errno("rename", path);
    if (Status synced = FsyncPath(shard, O_RDONLY | O_DIRECTORY); !synced.ok()) return synced;
    return digest;
  }

  Result<std::string> PathOf(const std::string& digest) override {
    if (Status valid = CheckDigest(digest); !valid.ok()) return valid;
    std::string path = PathFor(digest);
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return Status(Code::kNotFound, "no such blob");
    return path;
  }

  Result<int64_t> SizeOf(const std::string& digest) override {
    if (Status valid = CheckDigest(digest); !valid.ok()) return valid;
    struct stat st;
    if (stat(PathFor(digest).c_str(), &st) != 0) return Status(Code::kNotFound, "no such blob");
    return static_cast<int64_t>(st.st_size);
  }

  Result<std::vector<std::string>> ListOlderThan(int64_t unix_ms) override {
    std::vector<std::string> digests;
    std::error_code error;
    for (std::filesystem::recursive_directory_iterator it(blobs_, error), end; !error && it != end;
         it.increment(error)) {
      const std::string name = it->path().filename().string();
      struct stat st;
      if (!IsDigest(name) || stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const int64_t modified_ms =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
      if (modified_ms < unix_ms) digests.push_back(name);
    }
    if (error) return Status(Code::kInternal, "cannot list " + blobs_ + ": " + error.message());
    return digests;
  }

  Result<std::string> DownloadUrl(const std::string&, const std::string&,
                                  const std::string&) override {
    return Status(Code::kUnavailable, "blobs in a local directory have no download URL");
  }

  Status Remove(const std::string& digest) override {
    if (Status valid = CheckDigest(digest); !valid.ok()) return valid;
    const std::string path = PathFor(digest);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("unlink", path);
    return Status::Ok();
  }

 private:
  std::string PathFor(const std::string& digest) const {
    return blobs_ + "/" + digest.substr(0, 2) + "/" + digest;
  }

  const std::string blobs_;
};

}  // namespace

bool IsDigest(const std::string& digest) {
  if (digest.size() != kDigestHexLength) return false;
  for (char c : digest) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::unique_ptr<BlobStore>> OpenLocalBlobStore(const std::string& directory) {
  std::error_code error;
  for (const char* sub : {"blobs", "tmp"}) {
    std::filesystem::create_directories(std::filesystem::path(directory) / sub, error);
    if (error) {
      return Status(Code::kInternal,
                    "cannot create " + directory + "/" + sub + ": " + error.message());
    }
  }
  return std::unique_ptr<BlobStore>(std::make_unique<LocalBlobStore>(directory + "/blobs"));
}

Result<std::string> Sha256OfFile(const std::string& path) {
  static const int sodium = sodium_init();  // once, thread-safe; 1 means "already started"
  if (sodium < 0) return Status(Code::kInternal, "libsodium failed to initialise");
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status(Code::kNotFound, "no such file " + path);
    return Errno("open", path);
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  unsigned char buffer[kReadChunk];
  for (;;) {
    const ssize_t n = read(fd.get(), buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("read", path);
    }
    crypto_hash_sha256_update(&state, buffer, static_cast<size_t>(n));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[kDigestHexLength + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex, kDigestHexLength);
}

}  // namespace parley::media
