// Internal to media/: the libav* half of ProcessVideo (video.h): demuxes the staged upload
// through its file descriptor, checks streams, codecs and limits, copies the kept streams into a
// new file without metadata, and decodes one frame for the poster. Only video_remux.cc includes
// libav* headers.
//
// Errors as ProcessVideo's. On failure `output_path` may hold a partial file: the caller stages
// it (StagedFile). Thread-safe.
#ifndef PARLEY_MEDIA_VIDEO_REMUX_H_
#define PARLEY_MEDIA_VIDEO_REMUX_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "media/video.h"

namespace parley::media::internal {

struct RemuxedVideo {
  std::string mime;  // "video/webm" or "video/mp4"
  int width = 0;     // as stored (before rotation)
  int height = 0;
  int rotation = 0;  // clockwise degrees to turn the picture for display: 0, 90, 180, 270
  int64_t duration_ms = 0;
  std::string poster_rgb;  // packed RGB, poster_width * poster_height * 3 bytes (before rotation)
  int poster_width = 0;
  int poster_height = 0;
};

Result<RemuxedVideo> RemuxVideo(const std::string& input_path, const std::string& output_path,
                                const VideoLimits& limits);

}  // namespace parley::media::internal

#endif  // PARLEY_MEDIA_VIDEO_REMUX_H_
