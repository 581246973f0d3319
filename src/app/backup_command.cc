#include "app/backup_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace parley::app {

std::string TakeOption(std::vector<std::string>& args, const std::string& name) {
  const std::string flag = "--" + name;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag && i + 1 < args.size()) {
      std::string value = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i + 2));
      return value;
    }
    if (args[i].rfind(flag + "=", 0) == 0) {
      std::string value = args[i].substr(flag.size() + 1);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      return value;
    }
  }
  return "";
}

namespace {

int Usage(std::string_view command, const std::string& why) {
  std::fprintf(stderr,
               "parleyd %.*s: %s\nusage: parleyd backup --to DIR | parleyd restore --from DIR"
               " [--config FILE] [--data-dir D] [--media-dir M]\n",
               static_cast<int>(command.size()), command.data(), why.c_str());
  return 2;
}

}  // namespace

bool IsBackupCommand(std::string_view word) { return word == "backup" || word == "restore"; }

DataPaths DataPathsOf(const Config& config) {
  DataPaths paths{config.data_dir, config.media.media_dir, config.media_store.s3};
  if (paths.media_dir.empty()) {
    paths.media_dir = (std::filesystem::path(config.data_dir) / "media").string();
  }
  return paths;
}

int RunBackupCommand(std::string_view command, std::vector<std::string> args) {
  const bool backup = command == "backup";
  const std::string dir = TakeOption(args, backup ? "to" : "from");
  if (dir.empty())
    return Usage(command, backup ? "--to DIR is required" : "--from DIR is required");
  Result<Config> config = ParseConfig(args);
  if (!config.ok()) return Usage(command, config.status().message());
  if (!config->postgres.empty()) {
    return Usage(command,
                 "the store is in PostgreSQL: back it up with PostgreSQL's own tools (pg_dump, "
                 "base backups); docs/operations.md, \"Running on PostgreSQL\"");
  }
  const DataPaths paths = DataPathsOf(*config);
  const auto start = std::chrono::steady_clock::now();
  const Result<BackupSummary> done = [&]() -> Result<BackupSummary> {
    if (!backup) return RestoreBackup(dir, paths);
    // Before the blob store is opened (which makes its directories): a mistyped data dir is
    // reported, not populated.
    if (!std::filesystem::exists(std::filesystem::path(paths.data_dir) / "parley.db")) {
      return Status(Code::kNotFound, "no parley.db in " + paths.data_dir);
    }
    auto blobs = media::OpenLocalBlobStore(paths.media_dir);
    if (!blobs.ok()) return blobs.status();
    return TakeBackup(paths, **blobs, dir);
  }();
  if (!done.ok()) {
    std::fprintf(stderr, "parleyd %s failed: %s\n", backup ? "backup" : "restore",
                 done.status().message().c_str());
    return 1;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::printf("parleyd %s done: %lld files, %lld bytes, %lld media missing, %lld ms\n",
              backup ? "backup" : "restore", static_cast<long long>(done->files),
              static_cast<long long>(done->bytes), static_cast<long long>(done->missing_blobs),
              static_cast<long long>(ms));
  if (backup && paths.media_in_object_store) {
    std::printf("media were not copied: they stay in S3 bucket %s\n",
                config->media_store.s3_options.bucket.c_str());
  }
  return 0;
}

}  // namespace parley::app
