// HttpApi's media calls: resumable uploads and downloads.
#include <algorithm>
#include <filesystem>

#include "client/http_api.h"
#include "client/wire_codes.h"

namespace parley::client {

using nlohmann::json;

Result<json> HttpApi::CreateUpload(std::string_view name, int64_t size, std::string_view kind) {
  return Call("POST", "/uploads", json{{"name", name}, {"size", size}, {"kind", kind}});
}

Result<int64_t> HttpApi::PutUploadChunk(std::string_view upload_id, int64_t start, int64_t total,
                                        std::string_view bytes) {
  const int64_t end = start + static_cast<int64_t>(bytes.size()) - 1;
  HttpHeaders headers = {{"Content-Type", "application/octet-stream"},
                         {"Content-Range", "bytes " + std::to_string(start) + "-" +
                                               std::to_string(end) + "/" + std::to_string(total)}};
  auto response = Request("PUT", "/api/v1/uploads/" + EscapePathSegment(upload_id),
                          std::string(bytes), headers);
  if (!response.ok()) return response.status();
  if (response->status != 200) return StatusFromHttpError(response->status, response->body);
  if (!response->body.is_object() || !response->body.contains("received")) {
    return Status(Code::kInternal, "unexpected server reply to a chunk");
  }
  return response->body["received"].get<int64_t>();
}

Result<json> HttpApi::UploadStatus(std::string_view upload_id) {
  return Call("GET", "/uploads/" + EscapePathSegment(upload_id));
}

Result<json> HttpApi::CompleteUpload(std::string_view upload_id) {
  return Call("POST", "/uploads/" + EscapePathSegment(upload_id) + "/complete");
}

Status HttpApi::AbandonUpload(std::string_view upload_id) {
  auto reply = Call("DELETE", "/uploads/" + EscapePathSegment(upload_id));
  return reply.ok() ? Status::Ok() : reply.status();
}

Result<json> HttpApi::Upload(std::string_view name, std::string_view kind, std::string_view bytes) {
  const int64_t size = static_cast<int64_t>(bytes.size());
  auto created = CreateUpload(name, size, kind);
  if (!created.ok()) return created.status();
  const std::string upload_id = created->value("upload_id", "");
  const int64_t chunk = std::max<int64_t>(1, created->value("chunk_bytes", int64_t{1} << 20));
  int64_t received = created->value("received", int64_t{0});
  while (received < size) {
    const int64_t take = std::min(chunk, size - received);
    auto put =
        PutUploadChunk(upload_id, received, size,
                       bytes.substr(static_cast<size_t>(received), static_cast<size_t>(take)));
    if (!put.ok()) return put.status();
    received = *put;
  }
  return CompleteUpload(upload_id);
}

Result<HttpResponse> HttpApi::Download(std::string_view path, const HttpHeaders& headers,
                                       std::string_view method) {
  return Request(method, path, std::nullopt, headers);
}

std::string GuessMediaKind(std::string_view file_name) {
  std::string extension = std::filesystem::path(file_name).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* image : {".jpg", ".jpeg", ".png", ".webp", ".gif"}) {
    if (extension == image) return "image";
  }
  for (const char* voice : {".ogg", ".opus", ".webm"}) {
    if (extension == voice) return "voice";
  }
  // WebM stays voice (what browsers record voice clips in): send WebM videos with kind video.
  for (const char* video : {".mp4", ".m4v", ".mov", ".mkv"}) {
    if (extension == video) return "video";
  }
  return "file";
}

}  // namespace parley::client
