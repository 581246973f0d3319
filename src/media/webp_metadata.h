// Internal to media/: libvips 8.14 writes an EXIF chunk into every WebP it saves, even with
// strip=TRUE (it regenerates one from the image's fields). WithoutWebpMetadata removes the
// EXIF, XMP and ICC chunks from a WebP file's bytes and clears their flags in the VP8X header,
// so stored WebP images and thumbnails carry no metadata at all.
#ifndef PARLEY_MEDIA_WEBP_METADATA_H_
#define PARLEY_MEDIA_WEBP_METADATA_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::media::internal {

// kInternal if `webp` is not a well-formed RIFF WebP (it always comes from libvips here).
Result<std::string> WithoutWebpMetadata(std::string_view webp);

}  // namespace parley::media::internal

#endif  // PARLEY_MEDIA_WEBP_METADATA_H_
