// libFuzzer target: uploaded videos through the real media code (media::ProcessVideo: libmagic,
// libavformat's Matroska and MOV demuxers over a file descriptor, the stream, codec and limit
// checks, the stream copy, one frame decoded by libavcodec, the poster by libvips) with the
// limits parleyd runs with (chat::MediaOptions' defaults). The input is the uploaded file.
// Contract: a video within the limits, with the rewritten file and the poster written; or
// kUnsupportedMedia / kInvalidArgument / kTooLarge and no output left behind.
#include <unistd.h>

#include <fstream>
#include <string>

#include "chat/media/media_service.h"
#include "media/video.h"
#include "tests/fuzz/fuzz_contract.h"
#include "tests/support/temp_dir.h"

namespace {

struct Paths {
  parley::testing_support::TempDir dir;
  std::string upload = dir.path() + "/upload";
  std::string video = dir.path() + "/video";
  std::string poster = dir.path() + "/poster";
};

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  static const Paths paths;
  static const media::VideoLimits limits = chat::MediaOptions{}.video;
  {
    std::ofstream file(paths.upload, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Result<media::ProcessedVideo> video =
      media::ProcessVideo(paths.upload, paths.video, paths.poster, limits);
  fuzz::CheckResult(video, {Code::kUnsupportedMedia, Code::kInvalidArgument, Code::kTooLarge});
  if (!video.ok()) {
    PARLEY_FUZZ_CHECK(!Exists(paths.video) && !Exists(paths.poster));
    return 0;
  }
  PARLEY_FUZZ_CHECK(video->width > 0 && video->height > 0);
  PARLEY_FUZZ_CHECK(int64_t{video->width} * video->height <= limits.max_pixels);
  PARLEY_FUZZ_CHECK(video->duration_ms >= 0 && video->duration_ms <= limits.max_duration_ms);
  PARLEY_FUZZ_CHECK(video->mime == "video/webm" || video->mime == "video/mp4");
  PARLEY_FUZZ_CHECK(video->preview.starts_with("data:image/webp;base64,"));
  PARLEY_FUZZ_CHECK(Exists(paths.video) && Exists(paths.poster));
  unlink(paths.video.c_str());
  unlink(paths.poster.c_str());
  return 0;
}
