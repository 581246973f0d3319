#include "app/media_store.h"

#include <fstream>

#include "media/s3_blob_store.h"

namespace parley::app {
namespace {

constexpr size_t kMaxSecretBytes = 1024;

// The first line of the secret key file, without surrounding blanks.
Result<std::string> ReadSecret(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status(Code::kInvalidArgument, "cannot read s3-secret-key-file " + path);
  std::string line;
  std::getline(file, line);
  const size_t first = line.find_first_not_of(" \t\r");
  const size_t last = line.find_last_not_of(" \t\r");
  if (first == std::string::npos || line.size() > kMaxSecretBytes) {
    return Status(Code::kInvalidArgument, "s3-secret-key-file " + path + " holds no key");
  }
  return line.substr(first, last - first + 1);
}

}  // namespace

BlobBackend ConfiguredBackend(const Config& config) {
  return config.media_store.s3 ? BlobBackend::kS3 : BlobBackend::kLocal;
}

Result<std::unique_ptr<media::BlobStore>> OpenBlobStore(const Config& config, BlobBackend backend,
                                                        const std::string& media_dir) {
  if (backend == BlobBackend::kLocal) return media::OpenLocalBlobStore(media_dir);
  // The local directory still holds the uploads in progress (tmp/) and the download cache.
  auto local = media::OpenLocalBlobStore(media_dir);
  if (!local.ok()) return local.status();
  media::S3Options options = config.media_store.s3_options;
  if (config.media_store.s3_secret_key_file.empty()) {
    return Status(Code::kInvalidArgument, "S3 media store: s3-secret-key-file is required");
  }
  Result<std::string> secret = ReadSecret(config.media_store.s3_secret_key_file);
  if (!secret.ok()) return secret.status();
  options.credentials.secret_key = std::move(*secret);
  options.cache_dir = media_dir + "/cache";
  return media::OpenS3BlobStore(options);
}

}  // namespace parley::app
