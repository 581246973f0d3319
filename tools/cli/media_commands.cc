// parley upload; the upload half of parley send --file.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {

using nlohmann::json;

Result<json> UploadPath(client::HttpApi& api, const std::string& path, std::string kind) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status(Code::kInvalidArgument, "cannot read " + path + ": " + ec.message());
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status(Code::kInvalidArgument, "cannot open " + path);
  if (kind.empty()) kind = client::GuessMediaKind(path);
  const std::string name = std::filesystem::path(path).filename().string();
  auto created = api.CreateUpload(name, static_cast<int64_t>(size), kind);
  if (!created.ok()) return created.status();
  const std::string upload_id = created->value("upload_id", "");
  const int64_t chunk = std::max<int64_t>(1, created->value("chunk_bytes", int64_t{1} << 20));
  const int64_t total = static_cast<int64_t>(size);
  std::string buffer;
  int64_t received = 0;
  while (received < total) {
    buffer.resize(static_cast<size_t>(std::min(chunk, total - received)));
    file.seekg(received);
    if (!file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()))) {
      return Status(Code::kInvalidArgument, path + " changed while it was being uploaded");
    }
    auto put = api.PutUploadChunk(upload_id, received, total, buffer);
    if (!put.ok()) return put.status();
    received = *put;
  }
  return api.CompleteUpload(upload_id);
}

int RunUpload(const CliContext& context, const std::string& path, const std::string& kind) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  auto media = UploadPath(**api, path, kind);
  if (!media.ok()) return Fail(media.status(), "upload");
  std::cout << media->value("id", "") << " " << media->value("kind", "") << " "
            << media->value("mime", "") << " " << media->value("size", int64_t{0}) << " bytes";
  if (media->contains("width")) {
    std::cout << " " << media->value("width", 0) << "x" << media->value("height", 0);
  }
  if (media->contains("duration_ms")) {
    std::cout << " " << media->value("duration_ms", int64_t{0}) << " ms";
  }
  std::cout << "\n";
  return kExitOk;
}

}  // namespace parley::cli
