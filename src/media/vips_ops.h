// Internal to media/: the few libvips operations image.cc needs, with libvips' conventions
// (GObject references, a global error buffer, NULL-terminated option lists) turned into
// ImagePtr and Status. Only vips_ops.cc includes <vips/vips.h>.
//
// Every failure returns a Status whose message is libvips' error text (first line, file paths
// replaced by "image") and clears libvips' error buffer. Thread-safe, like libvips itself.
#ifndef PARLEY_MEDIA_VIPS_OPS_H_
#define PARLEY_MEDIA_VIPS_OPS_H_

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

typedef struct _VipsImage VipsImage;

namespace parley::media::internal {

struct ImageUnref {
  void operator()(VipsImage* image) const;
};
using ImagePtr = std::unique_ptr<VipsImage, ImageUnref>;

// Starts libvips once: one worker thread per pipeline, no operation cache, untrusted loaders
// blocked, warnings silenced (failures surface as errors through fail_on).
Status StartVips();

struct ImageHeader {
  int width = 0;
  int page_height = 0;  // one frame's height; equals the image height when not animated
  int pages = 1;
  int orientation = 1;  // EXIF orientation, 1..8
};

// Opens `path` with the loader for `mime` (one of the supported image types) and reads only its
// header: no pixel is decoded until the image is saved. All frames of an animation are opened.
// `random_access` allows reading the pixels in any order (needed to rotate).
Result<ImagePtr> OpenImage(const std::string& path, std::string_view mime, bool random_access);
ImageHeader HeaderOf(VipsImage* image);

// Rotates/flips pixels by the EXIF orientation and converts an embedded colour profile to sRGB,
// so nothing is lost when metadata is stripped. For single-frame images only.
Result<ImagePtr> Upright(VipsImage* image);

// Encodes `image` to `path` in `mime`'s format without any metadata; decoding errors of a lazily
// opened input surface here (kInvalidArgument).
Status SaveStripped(VipsImage* image, std::string_view mime, const std::string& path);

// The first frame of the image file at `path`, shrunk to fit `side` x `side` (never enlarged),
// in memory.
Result<ImagePtr> Thumbnail(const std::string& path, int side);
// `image` shrunk to fit `side` x `side`, as WebP bytes (no metadata) at `quality`.
Result<std::string> EncodeWebp(VipsImage* image, int side, int quality);
// Writes `image` (already small) as WebP to `path`, without metadata.
Status SaveWebp(VipsImage* image, int quality, const std::string& path);

// The WebP quality of a preview: 24 px of blur in a few hundred bytes (images and videos).
inline constexpr int kPreviewQuality = 30;

// An image of packed 8-bit RGB pixels (`rgb` holds width * height * 3 bytes; copied), turned
// clockwise by `clockwise_degrees` (0, 90, 180 or 270): a video's poster frame.
Result<ImagePtr> ImageFromRgb(const std::string& rgb, int width, int height, int clockwise_degrees);

}  // namespace parley::media::internal

#endif  // PARLEY_MEDIA_VIPS_OPS_H_
