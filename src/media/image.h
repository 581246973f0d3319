// Image processing for uploads (libvips): checks that the bytes really are a decodable image of
// a sane size, re-encodes them without metadata (EXIF, GPS, XMP, IPTC, comments, ICC profiles;
// orientation is applied to the pixels and colours are converted to sRGB first), and makes a
// thumbnail and a tiny inline preview.
//
// Contract
// - ProcessImage reads only `input_path` and writes only `output_path` and `thumbnail_path`
//   (both replaced). On failure neither output is left behind.
// - Errors: kUnsupportedMedia when the bytes are not a supported image type; kInvalidArgument
//   when they claim to be one but do not decode (truncated, corrupt); kTooLarge when the header
//   announces more than the limits below allow (decompression bombs are refused before any pixel
//   is decoded).
//   Never crashes or hangs on hostile input (fuzzed in tests/media).
// - The output keeps the input's format (JPEG quality 88; WebP quality 88; PNG lossless; GIF
//   keeps its animation, as does animated WebP). Animations are not rotated (GIF has no EXIF).
// - The thumbnail is always WebP (thumbnail_mime), made from the first frame, never enlarged.
// - Memory is bounded: libvips runs one worker thread per call and caches nothing. JPEG and PNG
//   pixels are streamed top to bottom (about 11 MB of buffers for 12 megapixels) except where
//   the whole image must be decoded first (photos to rotate: about 45 MB for 12 megapixels;
//   libvips spills decodes over 100 MB to a temporary file). WebP and GIF frames are held whole
//   (about 300 MB at max_buffered_frame_pixels); an animated WebP is held whole (about 4 bytes
//   per pixel of all frames: 160 MB at max_animation_pixels), an animated GIF a frame at a time.
// - Thread-safe; call it from a worker thread. CPU per 12-megapixel image: JPEG 200-300 ms
//   (twice that when rotated), PNG about 2 s, WebP or GIF 3-4 s.
#ifndef PARLEY_MEDIA_IMAGE_H_
#define PARLEY_MEDIA_IMAGE_H_

#include <cstdint>
#include <string>

#include "base/status.h"

namespace parley::media {

struct ImageLimits {
  int64_t max_pixels = 40'000'000;            // width * height (per frame for animations)
  int64_t max_animation_pixels = 40'000'000;  // all frames of an animation together
  // WebP and GIF frames only: their codecs hold a whole frame in memory, about 20 bytes per
  // pixel between decoder, libvips and encoder (JPEG and PNG stream in strips).
  int64_t max_buffered_frame_pixels = 16'000'000;
  int thumbnail_side = 320;  // the thumbnail's longer side, in pixels
  int preview_side = 24;     // the inline preview's longer side
};

struct ProcessedImage {
  std::string mime;            // of the re-encoded image: same format as the input
  int width = 0;               // after orientation
  int height = 0;              // of one frame, for animations
  std::string preview;         // "data:image/webp;base64,..." (a few hundred bytes)
  std::string thumbnail_mime;  // of the thumbnail: "image/webp"
};

// Starts libvips. Call it at startup to fail early; ProcessImage calls it too. Idempotent.
Status InitImageProcessing();

Result<ProcessedImage> ProcessImage(const std::string& input_path, const std::string& output_path,
                                    const std::string& thumbnail_path, const ImageLimits& limits);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_IMAGE_H_
