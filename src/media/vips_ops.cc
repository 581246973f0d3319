#include "media/vips_ops.h"

#include <vips/vips.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "media/webp_metadata.h"

namespace parley::media::internal {
namespace {

constexpr size_t kMaxErrorText = 200;
// Quality of re-encoded images: no visible loss on photos.
constexpr int kJpegQuality = 88;
constexpr int kWebpQuality = 88;
constexpr int kPngCompression = 6;

// libvips' error text names files by absolute path; a client must not learn server paths.
std::string WithoutPaths(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '/' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '"')) {
      out += "image";
      while (i < text.size() && text[i] != ' ' && text[i] != '"') ++i;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Takes (and clears) libvips' error buffer: its first non-empty line, without paths, bounded.
Status VipsFailure(Code code, std::string_view what) {
  char* buffer = vips_error_buffer_copy();
  std::string_view text(buffer != nullptr ? buffer : "");
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  text = text.substr(0, text.find('\n'));
  std::string message(what);
  if (!text.empty()) message += ": " + WithoutPaths(text);
  g_free(buffer);
  if (message.size() > kMaxErrorText) message.resize(kMaxErrorText);
  return Status(code, std::move(message));
}

// WebP bytes of `image` without any metadata chunk (see webp_metadata.h).
Result<std::string> WebpBytes(VipsImage* image, int quality) {
  void* bytes = nullptr;
  size_t length = 0;
  if (vips_webpsave_buffer(image, &bytes, &length, "Q", quality, "strip", TRUE, nullptr) != 0) {
    return VipsFailure(Code::kInvalidArgument, "cannot encode WebP");
  }
  Result<std::string> stripped =
      WithoutWebpMetadata(std::string_view(static_cast<const char*>(bytes), length));
  g_free(bytes);
  return stripped;
}

Status WriteBytes(const std::string& bytes, const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return Status(Code::kInternal, std::string("cannot write: ") + std::strerror(errno));
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) return Status(Code::kInternal, "cannot write the image");
  return Status::Ok();
}

void IgnoreWarning(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

Status StartVipsOnce() {
  if (VIPS_INIT("parley") != 0) return VipsFailure(Code::kInternal, "libvips failed to start");
  // Memory stays bounded per pipeline: one worker thread each, nothing kept between calls.
  vips_concurrency_set(1);
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_cache_set_max_files(0);
  // OpenImage names its four loaders; the rest (ImageMagick, PDF, ...) stay off.
  vips_block_untrusted_set(TRUE);
  g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, IgnoreWarning, nullptr);
  return Status::Ok();
}

}  // namespace

void ImageUnref::operator()(VipsImage* image) const { g_object_unref(image); }

Status StartVips() {
  static const Status started = StartVipsOnce();  // thread-safe: C++ magic static
  return started;
}

Result<ImagePtr> OpenImage(const std::string& path, std::string_view mime, bool random_access) {
  const VipsAccess access = random_access ? VIPS_ACCESS_RANDOM : VIPS_ACCESS_SEQUENTIAL;
  VipsImage* out = nullptr;
  int failed = -1;
  if (mime == "image/jpeg") {
    failed =
        vips_jpegload(path.c_str(), &out, "access", access, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  } else if (mime == "image/png") {
    failed =
        vips_pngload(path.c_str(), &out, "access", access, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
  } else if (mime == "image/webp") {
    failed = vips_webpload(path.c_str(), &out, "access", access, "fail_on", VIPS_FAIL_ON_ERROR, "n",
                           -1, nullptr);
  } else if (mime == "image/gif") {
    failed = vips_gifload(path.c_str(), &out, "access", access, "fail_on", VIPS_FAIL_ON_ERROR, "n",
                          -1, nullptr);
  } else {
    return Status(Code::kUnsupportedMedia, "not a supported image type: " + std::string(mime));
  }
  if (failed != 0) return VipsFailure(Code::kInvalidArgument, "cannot read the image");
  return ImagePtr(out);
}

ImageHeader HeaderOf(VipsImage* image) {
  return ImageHeader{.width = vips_image_get_width(image),
                     .page_height = vips_image_get_page_height(image),
                     .pages = vips_image_get_n_pages(image),
                     .orientation = vips_image_get_orientation(image)};
}

Result<ImagePtr> Upright(VipsImage* image) {
  VipsImage* rotated = nullptr;
  if (vips_autorot(image, &rotated, nullptr) != 0) {
    return VipsFailure(Code::kInvalidArgument, "cannot rotate the image");
  }
  ImagePtr result(rotated);
  if (!vips_image_get_typeof(result.get(), VIPS_META_ICC_NAME)) return result;
  VipsImage* converted = nullptr;
  if (vips_icc_transform(result.get(), &converted, "srgb", "embedded", TRUE, nullptr) != 0) {
    // A broken embedded profile is not worth refusing the photo for: it is stripped anyway.
    vips_error_clear();
    return result;
  }
  return ImagePtr(converted);
}

Status SaveStripped(VipsImage* image, std::string_view mime, const std::string& path) {
  int failed = -1;
  if (mime == "image/jpeg") {
    failed = vips_jpegsave(image, path.c_str(), "Q", kJpegQuality, "strip", TRUE, nullptr);
  } else if (mime == "image/png") {
    failed =
        vips_pngsave(image, path.c_str(), "compression", kPngCompression, "strip", TRUE, nullptr);
  } else if (mime == "image/webp") {
    Result<std::string> webp = WebpBytes(image, kWebpQuality);
    return webp.ok() ? WriteBytes(*webp, path) : webp.status();
  } else if (mime == "image/gif") {
    failed = vips_gifsave(image, path.c_str(), "strip", TRUE, nullptr);
  } else {
    return Status(Code::kUnsupportedMedia, "not a supported image type: " + std::string(mime));
  }
  if (failed != 0) return VipsFailure(Code::kInvalidArgument, "cannot decode the image");
  return Status::Ok();
}

Result<ImagePtr> Thumbnail(const std::string& path, int side) {
  VipsImage* thumbnail = nullptr;
  if (vips_thumbnail(path.c_str(), &thumbnail, side, "height", side, "size", VIPS_SIZE_DOWN,
                     "fail_on", VIPS_FAIL_ON_ERROR, nullptr) != 0) {
    return VipsFailure(Code::kInvalidArgument, "cannot make a thumbnail");
  }
  ImagePtr lazy(thumbnail);
  // Decoded once into memory (side x side pixels at most): the thumbnail and the preview are
  // both made from it.
  VipsImage* in_memory = vips_image_copy_memory(lazy.get());
  if (in_memory == nullptr) return VipsFailure(Code::kInvalidArgument, "cannot make a thumbnail");
  return ImagePtr(in_memory);
}

Result<std::string> EncodeWebp(VipsImage* image, int side, int quality) {
  VipsImage* small = nullptr;
  if (vips_thumbnail_image(image, &small, side, "height", side, "size", VIPS_SIZE_DOWN, nullptr) !=
      0) {
    return VipsFailure(Code::kInvalidArgument, "cannot make a preview");
  }
  ImagePtr shrunk(small);
  return WebpBytes(shrunk.get(), quality);
}

Status SaveWebp(VipsImage* image, int quality, const std::string& path) {
  Result<std::string> webp = WebpBytes(image, quality);
  return webp.ok() ? WriteBytes(*webp, path) : webp.status();
}

Result<ImagePtr> ImageFromRgb(const std::string& rgb, int width, int height,
                              int clockwise_degrees) {
  constexpr int kBands = 3;
  if (width <= 0 || height <= 0 ||
      rgb.size() != static_cast<size_t>(width) * static_cast<size_t>(height) * kBands) {
    return Status(Code::kInternal, "the poster's pixels do not match its size");
  }
  VipsImage* copy = vips_image_new_from_memory_copy(rgb.data(), rgb.size(), width, height, kBands,
                                                    VIPS_FORMAT_UCHAR);
  if (copy == nullptr) return VipsFailure(Code::kInternal, "cannot hold the poster");
  ImagePtr image(copy);
  const VipsAngle angle = clockwise_degrees == 90    ? VIPS_ANGLE_D90
                          : clockwise_degrees == 180 ? VIPS_ANGLE_D180
                          : clockwise_degrees == 270 ? VIPS_ANGLE_D270
                                                     : VIPS_ANGLE_D0;
  if (angle == VIPS_ANGLE_D0) return image;
  VipsImage* turned = nullptr;
  if (vips_rot(image.get(), &turned, angle, nullptr) != 0) {
    return VipsFailure(Code::kInternal, "cannot turn the poster");
  }
  return ImagePtr(turned);
}

}  // namespace parley::media::internal
