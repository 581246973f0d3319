#include "media/image.h"

#include <unistd.h>

#include "media/data_url.h"
#include "media/media_type.h"
#include "media/staged_file.h"
#include "media/vips_ops.h"

namespace parley::media {
namespace {

using internal::DataUrl;
using internal::ImagePtr;

constexpr std::string_view kThumbnailMime = "image/webp";
constexpr int kThumbnailQuality = 75;

// Refuses decompression bombs from the header alone, before any pixel is decoded.
Status CheckSize(const internal::ImageHeader& header, std::string_view mime,
                 const ImageLimits& limits) {
  if (header.width <= 0 || header.page_height <= 0 || header.pages <= 0) {
    return Status(Code::kInvalidArgument, "the image has no pixels");
  }
  const int64_t frame = int64_t{header.width} * header.page_height;
  if (frame > limits.max_pixels) {
    return Status(Code::kTooLarge, "the image has " + std::to_string(frame) + " pixels; at most " +
                                       std::to_string(limits.max_pixels));
  }
  const bool buffered = mime == "image/webp" || mime == "image/gif";
  if (buffered && frame > limits.max_buffered_frame_pixels) {
    return Status(Code::kTooLarge, "WebP and GIF images may have at most " +
                                       std::to_string(limits.max_buffered_frame_pixels) +
                                       " pixels per frame");
  }
  if (frame * header.pages > limits.max_animation_pixels) {
    return Status(Code::kTooLarge, "the animation has too many pixels in all");
  }
  return Status::Ok();
}

// Opens the image for streaming; reopens it for random access when its orientation means the
// pixels must be turned (rotating needs more than a top-to-bottom pass).
Result<ImagePtr> OpenUpright(const std::string& path, std::string_view mime,
                             const ImageLimits& limits) {
  Result<ImagePtr> image = internal::OpenImage(path, mime, /*random_access=*/false);
  if (!image.ok()) return image.status();
  const internal::ImageHeader header = internal::HeaderOf(image->get());
  if (Status size = CheckSize(header, mime, limits); !size.ok()) return size;
  if (header.pages > 1) return image;  // animations: frames as they are
  if (header.orientation != 1) {
    image = internal::OpenImage(path, mime, /*random_access=*/true);
    if (!image.ok()) return image.status();
  }
  return internal::Upright(image->get());
}

}  // namespace

Status InitImageProcessing() { return internal::StartVips(); }

Result<ProcessedImage> ProcessImage(const std::string& input_path, const std::string& output_path,
                                    const std::string& thumbnail_path, const ImageLimits& limits) {
  if (Status started = InitImageProcessing(); !started.ok()) return started;
  const std::string mime = SniffMime(input_path);
  if (!IsSupportedImage(mime)) {
    return Status(Code::kUnsupportedMedia, "not a JPEG, PNG, WebP or GIF image (" + mime + ")");
  }
  Result<ImagePtr> image = OpenUpright(input_path, mime, limits);
  if (!image.ok()) return image.status();

  internal::StagedFile output(output_path);
  internal::StagedFile thumbnail(thumbnail_path);
  if (!output.status().ok()) return output.status();
  if (!thumbnail.status().ok()) return thumbnail.status();
  if (Status saved = internal::SaveStripped(image->get(), mime, output.path()); !saved.ok()) {
    return saved;
  }
  const internal::ImageHeader upright = internal::HeaderOf(image->get());
  image->reset();  // closes the input before the output is read back

  Result<ImagePtr> small = internal::Thumbnail(output.path(), limits.thumbnail_side);
  if (!small.ok()) return small.status();
  if (Status saved = internal::SaveWebp(small->get(), kThumbnailQuality, thumbnail.path());
      !saved.ok()) {
    return saved;
  }
  Result<std::string> preview =
      internal::EncodeWebp(small->get(), limits.preview_side, internal::kPreviewQuality);
  if (!preview.ok()) return preview.status();

  if (Status committed = output.Commit(); !committed.ok()) return committed;
  if (Status committed = thumbnail.Commit(); !committed.ok()) {
    unlink(output_path.c_str());
    return committed;
  }
  return ProcessedImage{.mime = mime,
                        .width = upright.width,
                        .height = upright.page_height,
                        .preview = DataUrl(kThumbnailMime, *preview),
                        .thumbnail_mime = std::string(kThumbnailMime)};
}

}  // namespace parley::media
