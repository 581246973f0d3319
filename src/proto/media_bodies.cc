#include "proto/media_bodies.h"

#include "proto/json_reader.h"
#include "proto/server_frames.h"

namespace parley::proto {
namespace {

constexpr std::string_view kMediaPath = "/api/v1/media/";

void WriteDescriptorFields(JsonWriter& w, const store::Media& media) {
  w.Field("id", media.id)
      .Field("kind", media.kind)
      .Field("mime", media.mime)
      .Field("size", media.size)
      .Field("name", media.name);
  if (media.kind == "image") {
    w.Field("width", media.width).Field("height", media.height).Field("preview", media.preview);
  } else if (media.kind == "voice") {
    w.Field("duration_ms", media.duration_ms);
  } else if (media.kind == "video") {
    w.Field("width", media.width)
        .Field("height", media.height)
        .Field("duration_ms", media.duration_ms)
        .Field("preview", media.preview)
        .Field("poster", std::string(kMediaPath) + media.id + "/thumbnail");
  }
}

}  // namespace

Result<chat::NewUpload> DecodeNewUpload(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  chat::NewUpload upload;
  auto name = RequiredString(*object, "name");
  if (!name.ok()) return name.status();
  upload.name = std::move(*name);
  auto size = RequiredInt(*object, "size");
  if (!size.ok()) return size.status();
  upload.size = *size;
  auto kind = RequiredString(*object, "kind");
  if (!kind.ok()) return kind.status();
  upload.kind = std::move(*kind);
  return upload;
}

std::string UploadBody(const store::Upload& upload, int64_t chunk_bytes) {
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Field("upload_id", upload.id)
      .Field("kind", upload.kind)
      .Field("name", upload.name)
      .Field("size", upload.size)
      .Field("received", upload.received)
      .Field("chunk_bytes", chunk_bytes)
      .Field("expires_at", upload.expires_at)
      .EndObject();
  return out;
}

std::string ReceivedBody(int64_t received) {
  std::string out;
  JsonWriter(&out).BeginObject().Field("received", received).EndObject();
  return out;
}

std::string UploadConflictBody(const Status& status, int64_t received) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteErrorMember(w, status);
  w.Field("received", received).EndObject();
  return out;
}

std::string MediaBody(const store::Media& media) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteDescriptorFields(w, media);
  const std::string url = std::string(kMediaPath) + media.id;
  w.Field("url", url);
  if (!media.thumbnail_digest.empty()) w.Field("thumbnail_url", url + "/thumbnail");
  w.EndObject();
  return out;
}

void WriteMediaDescriptor(JsonWriter& w, const store::Media& media) {
  w.BeginObject();
  WriteDescriptorFields(w, media);
  w.EndObject();
}

}  // namespace parley::proto
