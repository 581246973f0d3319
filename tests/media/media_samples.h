// Test inputs for tests/media, made by the tests themselves: images encoded by libvips (never by
// the code under test), JPEG EXIF segments and PNG headers written byte by byte, and file helpers.
#ifndef PARLEY_TESTS_MEDIA_MEDIA_SAMPLES_H_
#define PARLEY_TESTS_MEDIA_MEDIA_SAMPLES_H_

#include <string>
#include <vector>

namespace parley::media::testing {

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);
bool Exists(const std::string& path);
// The names of the entries in `directory`, sorted.
std::vector<std::string> ListDirectory(const std::string& directory);
// A committed fixture under tests/media/data/.
std::string DataPath(const std::string& name);

// The EXIF used below: Make "ParleyTestCam", Orientation 6 (turn 90° clockwise to view) and a
// GPS IFD (latitude 48°51'30" N, longitude 2°21'8" E), as a little-endian TIFF structure.
constexpr const char* kExifCameraMake = "ParleyTestCam";

// An image of noise in `format` ("jpeg", "png", "webp", "gif"), `pages` frames of
// width x height stacked as an animation when pages > 1; with `with_exif`, libvips embeds the
// EXIF above (JPEG, PNG and WebP can carry it).
std::string EncodeImage(const std::string& format, int width, int height, int pages = 1,
                        bool with_exif = false);

// A JPEG whose APP1 segment, written here byte by byte, carries the EXIF above.
std::string JpegWithExif(int width, int height);

// A PNG that is just a signature, an IHDR announcing width x height, a few bytes of IDAT and an
// IEND: a decompression bomb's header, tiny on disk.
std::string PngHeaderClaiming(int width, int height);

// What libvips reads back from an image file (all frames).
struct ImageFacts {
  bool ok = false;
  int width = 0;
  int page_height = 0;
  int pages = 0;
  int orientation = 0;
  bool has_exif = false;
  bool has_gps = false;
  std::string loader;  // "jpegload", "webpload", ...
};
ImageFacts InspectImage(const std::string& path);
ImageFacts InspectImageBytes(const std::string& bytes);

}  // namespace parley::media::testing

#endif  // PARLEY_TESTS_MEDIA_MEDIA_SAMPLES_H_
