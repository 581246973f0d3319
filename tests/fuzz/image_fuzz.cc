// libFuzzer target: uploaded images through the real media code (media::ProcessImage: libmagic,
// the libvips loaders, the size checks, re-encoding, thumbnail, preview) with the limits
// parleyd runs with (chat::MediaOptions' defaults). The input is the uploaded file.
// Contract: an image within the limits, with the re-encoded file and the thumbnail written;
// or kUnsupportedMedia / kInvalidArgument / kTooLarge and no output left behind.
#include <unistd.h>

#include <fstream>
#include <string>

#include "chat/media/media_service.h"
#include "media/image.h"
#include "media/media_type.h"
#include "tests/fuzz/fuzz_contract.h"
#include "tests/support/temp_dir.h"

namespace {

struct Paths {
  parley::testing_support::TempDir dir;
  std::string upload = dir.path() + "/upload";
  std::string image = dir.path() + "/image";
  std::string thumbnail = dir.path() + "/thumbnail";
};

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  static const Paths paths;
  static const media::ImageLimits limits = chat::MediaOptions{}.image;
  {
    std::ofstream file(paths.upload, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Result<media::ProcessedImage> image =
      media::ProcessImage(paths.upload, paths.image, paths.thumbnail, limits);
  fuzz::CheckResult(image, {Code::kUnsupportedMedia, Code::kInvalidArgument, Code::kTooLarge});
  if (!image.ok()) {
    PARLEY_FUZZ_CHECK(!Exists(paths.image) && !Exists(paths.thumbnail));
    return 0;
  }
  PARLEY_FUZZ_CHECK(image->width > 0 && image->height > 0);
  PARLEY_FUZZ_CHECK(int64_t{image->width} * image->height <= limits.max_pixels);
  PARLEY_FUZZ_CHECK(media::IsSupportedImage(image->mime));
  PARLEY_FUZZ_CHECK(image->preview.starts_with("data:image/webp;base64,"));
  PARLEY_FUZZ_CHECK(Exists(paths.image) && Exists(paths.thumbnail));
  unlink(paths.image.c_str());
  unlink(paths.thumbnail.c_str());
  return 0;
}
