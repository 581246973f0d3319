#include "app/media_command.h"

#include <cstdio>
#include <filesystem>

#include "app/backup_command.h"
#include "app/config.h"
#include "app/media_store.h"
#include "store/sqlite/online_backup.h"

namespace parley::app {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kProgressEvery = 100;

struct MigrateCounts {
  int64_t copied = 0;
  int64_t present = 0;  // already in the target with the right size
  int64_t missing = 0;  // named by the database, absent from the source
};

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "parleyd media: %s\nusage: parleyd media migrate --to s3|local [--config FILE]"
               " [--data-dir D] [--media-dir M] [--s3-... settings]\n",
               why.c_str());
  return 2;
}

// Copies one blob unless the target has it already; staged in the media dir's tmp/ because
// Put takes the file it is given.
Status MigrateBlob(const std::string& digest, media::BlobStore& source, media::BlobStore& target,
                   const std::string& staging, MigrateCounts& counts) {
  Result<int64_t> size = source.SizeOf(digest);
  if (!size.ok() && size.status().code() == Code::kNotFound) {
    ++counts.missing;
    std::fprintf(stderr, "media migrate: blob %s is missing from the source\n", digest.c_str());
    return Status::Ok();
  }
  if (!size.ok()) return size.status();
  Result<int64_t> there = target.SizeOf(digest);
  if (there.ok() && *there == *size) {
    ++counts.present;
    return Status::Ok();
  }
  if (!there.ok() && there.status().code() != Code::kNotFound) return there.status();
  Result<std::string> path = source.PathOf(digest);
  if (!path.ok()) return path.status();
  const std::string copy = staging + "/migrate-" + digest;
  std::error_code error;
  fs::copy_file(*path, copy, fs::copy_options::overwrite_existing, error);
  if (error) return Status(Code::kInternal, "copy " + *path + ": " + error.message());
  Result<std::string> stored = target.Put(copy);
  if (!stored.ok()) {
    fs::remove(copy, error);
    return stored.status();
  }
  if (*stored != digest) return Status(Code::kInternal, "blob " + digest + " changed its digest");
  ++counts.copied;
  return Status::Ok();
}

}  // namespace

bool IsMediaCommand(std::string_view word) { return word == "media"; }

int RunMediaCommand(std::vector<std::string> args) {
  if (args.empty() || args.front() != "migrate") return Usage("the only command is migrate");
  args.erase(args.begin());
  const std::string to = TakeOption(args, "to");
  if (to != "s3" && to != "local") return Usage("--to s3 or --to local is required");
  Result<Config> config = ParseConfig(args);
  if (!config.ok()) return Usage(config.status().message());
  const DataPaths paths = DataPathsOf(*config);
  const std::string database = paths.data_dir + "/parley.db";
  if (!fs::exists(database)) {
    std::fprintf(stderr, "parleyd media migrate failed: no parley.db in %s\n",
                 paths.data_dir.c_str());
    return 1;
  }
  const BlobBackend target_backend = to == "s3" ? BlobBackend::kS3 : BlobBackend::kLocal;
  const BlobBackend source_backend = to == "s3" ? BlobBackend::kLocal : BlobBackend::kS3;
  auto source = OpenBlobStore(*config, source_backend, paths.media_dir);
  auto target =
      source.ok() ? OpenBlobStore(*config, target_backend, paths.media_dir) : source.status();
  Result<std::vector<std::string>> digests =
      target.ok() ? store::sqlite::ReferencedBlobDigests(database) : target.status();
  if (!digests.ok()) {
    std::fprintf(stderr, "parleyd media migrate failed: %s\n", digests.status().message().c_str());
    return 1;
  }
  MigrateCounts counts;
  const int64_t total = static_cast<int64_t>(digests->size());
  for (int64_t i = 0; i < total; ++i) {
    Status done = MigrateBlob((*digests)[static_cast<size_t>(i)], **source, **target,
                              paths.media_dir + "/tmp", counts);
    if (!done.ok()) {
      std::fprintf(stderr, "parleyd media migrate failed after %lld of %lld blobs: %s\n",
                   static_cast<long long>(i), static_cast<long long>(total),
                   done.message().c_str());
      return 1;
    }
    if ((i + 1) % kProgressEvery == 0) {
      std::printf("media migrate: %lld/%lld blobs\n", static_cast<long long>(i + 1),
                  static_cast<long long>(total));
      std::fflush(stdout);
    }
  }
  std::printf(
      "parleyd media migrate done: %lld blobs, %lld copied, %lld already there, "
      "%lld missing from the source\n",
      static_cast<long long>(total), static_cast<long long>(counts.copied),
      static_cast<long long>(counts.present), static_cast<long long>(counts.missing));
  return counts.missing == 0 ? 0 : 1;
}

}  // namespace parley::app
