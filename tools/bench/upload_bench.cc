#include "tools/bench/upload_bench.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "client/http_api.h"
#include "client/wire_codes.h"
#include "tools/bench/latency.h"
#include "tools/bench/user_setup.h"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct UploaderStats {
  int completed = 0;
  int failed = 0;
  Status last_error;
  LatencySamples transfer;  // all chunks of one upload
  LatencySamples complete;  // the complete call
};

int64_t Nanos(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// One upload of `bytes`; records its two phases.
Status UploadOnce(client::HttpApi& api, const std::string& name, const std::string& kind,
                  const std::string& bytes, UploaderStats& stats) {
  const int64_t size = static_cast<int64_t>(bytes.size());
  const auto start = Clock::now();
  auto created = api.CreateUpload(name, size, kind);
  if (!created.ok()) return created.status();
  const std::string upload_id = created->value("upload_id", "");
  const int64_t chunk = std::max<int64_t>(1, created->value("chunk_bytes", int64_t{1} << 20));
  int64_t received = 0;
  while (received < size) {
    auto put = api.PutUploadChunk(upload_id, received, size,
                                  std::string_view(bytes).substr(received, chunk));
    if (!put.ok()) return put.status();
    received = *put;
  }
  const auto sent = Clock::now();
  auto media = api.CompleteUpload(upload_id);
  if (!media.ok()) return media.status();
  stats.transfer.Add(Nanos(sent - start));
  stats.complete.Add(Nanos(Clock::now() - sent));
  return Status::Ok();
}

std::string KindOf(const BenchOptions& options) {
  if (!options.upload_kind.empty()) return options.upload_kind;
  return client::GuessMediaKind(options.upload_file);
}

}  // namespace

int RunUploadBench(const BenchOptions& options) {
  std::ifstream file(options.upload_file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (!file.good() && !file.eof()) {
    std::cerr << "parley-bench: cannot read " << options.upload_file << "\n";
    return 1;
  }
  if (bytes.empty()) {
    std::cerr << "parley-bench: " << options.upload_file << " is empty\n";
    return 1;
  }
  const std::string kind = KindOf(options);
  const std::string name = std::filesystem::path(options.upload_file).filename().string();
  char run_id[8];
  std::snprintf(run_id, sizeof(run_id), "%06x",
                static_cast<unsigned>(std::random_device{}() & 0xffffff));
  auto users = SetUpUsers(options, std::string("u") + run_id, options.concurrency);
  if (!users.ok()) {
    std::cerr << "parley-bench: user setup failed: " << client::FormatStatus(users.status())
              << "\n";
    return 1;
  }
  std::cerr << "uploading " << name << " (" << bytes.size() << " bytes, " << kind << ") "
            << options.uploads << " times, " << options.concurrency << " at once\n";

  std::atomic<int> next{0};
  std::vector<UploaderStats> stats(static_cast<size_t>(options.concurrency));
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < options.concurrency; ++t) {
    threads.emplace_back([&, t] {
      client::HttpApi api(options.endpoint, std::chrono::seconds(120));
      api.set_token((*users)[static_cast<size_t>(t)].token);
      UploaderStats& mine = stats[static_cast<size_t>(t)];
      while (next.fetch_add(1) < options.uploads) {
        Status status = UploadOnce(api, name, kind, bytes, mine);
        if (status.ok()) {
          ++mine.completed;
        } else {
          ++mine.failed;
          mine.last_error = status;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  UploaderStats total;
  for (const UploaderStats& part : stats) {
    total.completed += part.completed;
    total.failed += part.failed;
    if (!part.last_error.ok()) total.last_error = part.last_error;
    total.transfer.Merge(part.transfer);
    total.complete.Merge(part.complete);
  }
  const double megabytes = static_cast<double>(bytes.size()) * total.completed / 1e6;
  std::printf("uploads:   %d completed, %d failed in %.2f s (%.1f uploads/s)\n", total.completed,
              total.failed, seconds, total.completed / seconds);
  std::printf("throughput: %.1f MB/s of file bytes over the whole run\n", megabytes / seconds);
  std::printf("transfer (create + chunks, per upload): %s\n", total.transfer.Summary().c_str());
  std::printf("complete (sniff, decode, strip, thumbnail, store): %s\n",
              total.complete.Summary().c_str());
  if (total.failed > 0) {
    std::printf("last error: %s\n", client::FormatStatus(total.last_error).c_str());
  }
  return total.failed == 0 ? 0 : 2;
}

}  // namespace parley::bench
