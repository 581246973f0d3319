#include "media/video.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "media/data_url.h"
#include "media/media_type.h"
#include "media/staged_file.h"
#include "media/video_remux.h"
#include "media/vips_ops.h"

namespace parley::media {
namespace {

constexpr std::string_view kPosterMime = "image/webp";
constexpr int kPosterQuality = 80;

// What libmagic calls the containers the demuxers are allowed to read.
bool IsVideoContainer(std::string_view mime) {
  return mime == "video/webm" || mime == "video/x-matroska" || mime == "video/mp4" ||
         mime == "video/quicktime";
}

Status CheckFileSize(const std::string& path, const VideoLimits& limits) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Status(Code::kInternal, "media: cannot read the upload");
  if (st.st_size > limits.max_bytes) {
    return Status(Code::kTooLarge,
                  "videos are at most " + std::to_string(limits.max_bytes) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

Result<ProcessedVideo> ProcessVideo(const std::string& input_path, const std::string& output_path,
                                    const std::string& poster_path, const VideoLimits& limits) {
  if (Status started = internal::StartVips(); !started.ok()) return started;
  const std::string sniffed = SniffMime(input_path);
  if (!IsVideoContainer(sniffed)) {
    return Status(Code::kUnsupportedMedia, "not a WebM or MP4 video (" + sniffed + ")");
  }
  if (Status size = CheckFileSize(input_path, limits); !size.ok()) return size;

  internal::StagedFile output(output_path);
  internal::StagedFile poster(poster_path);
  if (!output.status().ok()) return output.status();
  if (!poster.status().ok()) return poster.status();
  auto video = internal::RemuxVideo(input_path, output.path(), limits);
  if (!video.ok()) return video.status();

  auto image = internal::ImageFromRgb(video->poster_rgb, video->poster_width, video->poster_height,
                                      video->rotation);
  if (!image.ok()) return image.status();
  if (Status saved = internal::SaveWebp(image->get(), kPosterQuality, poster.path()); !saved.ok()) {
    return saved;
  }
  auto preview = internal::EncodeWebp(image->get(), limits.preview_side, internal::kPreviewQuality);
  if (!preview.ok()) return preview.status();

  if (Status committed = output.Commit(); !committed.ok()) return committed;
  if (Status committed = poster.Commit(); !committed.ok()) {
    unlink(output_path.c_str());
    return committed;
  }
  const bool turned = video->rotation == 90 || video->rotation == 270;
  return ProcessedVideo{.mime = video->mime,
                        .width = turned ? video->height : video->width,
                        .height = turned ? video->width : video->height,
                        .duration_ms = video->duration_ms,
                        .preview = internal::DataUrl(kPosterMime, *preview),
                        .poster_mime = std::string(kPosterMime)};
}

}  // namespace parley::media
