// Media bodies of the HTTP API and the message object (docs/protocol.md, "Media"): decoding of
// the upload request, encoding of uploads, media objects and the media descriptor that messages
// carry. Pure functions; thread-safe. The decoder fails with kMalformed for shape and type
// errors; value rules (kinds, sizes, names) belong to chat/media/media_service.h.
#ifndef PARLEY_PROTO_MEDIA_BODIES_H_
#define PARLEY_PROTO_MEDIA_BODIES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/json_writer.h"
#include "base/status.h"
#include "chat/media/media_service.h"
#include "store/types.h"

namespace parley::proto {

// {"name", "size", "kind"}
Result<chat::NewUpload> DecodeNewUpload(std::string_view body);

// {"upload_id", "kind", "name", "size", "received", "chunk_bytes", "expires_at"}
std::string UploadBody(const store::Upload& upload, int64_t chunk_bytes);
// {"received": N}
std::string ReceivedBody(int64_t received);
// The error body plus "received", for a chunk at the wrong offset (the client resumes there).
std::string UploadConflictBody(const Status& status, int64_t received);
// The descriptor plus "url" and, for images, "thumbnail_url".
std::string MediaBody(const store::Media& media);

// The descriptor object messages carry under "media": id, kind, mime, size, name; images add
// width, height and preview; voice adds duration_ms.
void WriteMediaDescriptor(JsonWriter& w, const store::Media& media);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_MEDIA_BODIES_H_
