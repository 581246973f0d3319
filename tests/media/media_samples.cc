#include "tests/media/media_samples.h"

#include <vips/vips.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "media/image.h"

namespace parley::media::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::string error = vips_error_buffer();
    vips_error_clear();
    throw std::runtime_error(std::string(what) + ": " + error);
  }
}

void StartVips() { Check(InitImageProcessing().ok(), "InitImageProcessing"); }

// Owns a VipsImage reference.
struct Image {
  VipsImage* image = nullptr;
  ~Image() {
    if (image != nullptr) g_object_unref(image);
  }
};

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>(v >> 8));
}
void Put32(std::string* out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v & 0xFFFF));
  Put16(out, static_cast<uint16_t>(v >> 16));
}
void PutBig32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// A little-endian TIFF IFD entry: tag, type, count, and the value or its offset.
struct IfdEntry {
  uint16_t tag;
  uint16_t type;  // 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL
  uint32_t count;
  uint32_t value;
};

void PutIfd(std::string* out, const std::vector<IfdEntry>& entries) {
  Put16(out, static_cast<uint16_t>(entries.size()));
  for (const IfdEntry& e : entries) {
    Put16(out, e.tag);
    Put16(out, e.type);
    Put32(out, e.count);
    Put32(out, e.value);
  }
  Put32(out, 0);  // no next IFD
}

void PutRationals(std::string* out, std::initializer_list<std::pair<uint32_t, uint32_t>> values) {
  for (auto [numerator, denominator] : values) {
    Put32(out, numerator);
    Put32(out, denominator);
  }
}

// The EXIF payload (a little-endian TIFF structure): IFD0 with Make, Orientation 6 and a
// pointer to the GPS IFD, then the GPS IFD, then the values too long to sit inline.
std::string ExifTiff() {
  const std::string make = std::string(kExifCameraMake) + '\0';
  constexpr uint32_t kIfd0 = 8;
  constexpr uint32_t kGpsIfd = kIfd0 + 2 + 3 * 12 + 4;
  constexpr uint32_t kMake = kGpsIfd + 2 + 4 * 12 + 4;
  const uint32_t latitude = kMake + static_cast<uint32_t>(make.size());
  const uint32_t longitude = latitude + 24;
  std::string tiff = "II";
  Put16(&tiff, 42);
  Put32(&tiff, kIfd0);
  PutIfd(&tiff, {{0x010F, 2, static_cast<uint32_t>(make.size()), kMake},
                 {0x0112, 3, 1, 6},
                 {0x8825, 4, 1, kGpsIfd}});
  PutIfd(&tiff, {{0x0001, 2, 2, 'N'},
                 {0x0002, 5, 3, latitude},
                 {0x0003, 2, 2, 'E'},
                 {0x0004, 5, 3, longitude}});
  tiff += make;
  PutRationals(&tiff, {{48, 1}, {51, 1}, {30, 1}});
  PutRationals(&tiff, {{2, 1}, {21, 1}, {8, 1}});
  return tiff;
}

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

void PutPngChunk(std::string* out, const std::string& type, const std::string& data) {
  PutBig32(out, static_cast<uint32_t>(data.size()));
  const std::string typed = type + data;
  *out += typed;
  PutBig32(out, Crc32(typed));
}

ImageFacts Inspect(VipsImage* image) {
  ImageFacts facts;
  facts.ok = true;
  facts.width = vips_image_get_width(image);
  facts.page_height = vips_image_get_page_height(image);
  facts.pages = vips_image_get_n_pages(image);
  facts.orientation = vips_image_get_orientation(image);
  facts.has_exif = vips_image_get_typeof(image, VIPS_META_EXIF_NAME) != 0;
  facts.has_gps = vips_image_get_typeof(image, "exif-ifd3-GPSLatitude") != 0;
  const char* loader = nullptr;
  if (vips_image_get_string(image, VIPS_META_LOADER, &loader) == 0) facts.loader = loader;
  return facts;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

std::vector<std::string> ListDirectory(const std::string& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string DataPath(const std::string& name) {
  return std::string(PARLEY_MEDIA_TEST_DATA) + "/" + name;
}

std::string EncodeImage(const std::string& format, int width, int height, int pages,
                        bool with_exif) {
  StartVips();
  Image noise, gray, rgb, srgb;
  Check(vips_gaussnoise(&noise.image, width, height * pages, "mean", 128.0, "sigma", 40.0,
                        nullptr) == 0,
        "gaussnoise");
  Check(vips_cast_uchar(noise.image, &gray.image, nullptr) == 0, "cast");
  double constant_bands[] = {200.0, 60.0};
  Check(vips_bandjoin_const(gray.image, &rgb.image, constant_bands, 2, nullptr) == 0, "bandjoin");
  Check(vips_copy(rgb.image, &srgb.image, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr) == 0,
        "copy");
  if (pages > 1) {
    vips_image_set_int(srgb.image, VIPS_META_PAGE_HEIGHT, height);
    std::vector<int> delays(pages, 100);
    vips_image_set_array_int(srgb.image, "delay", delays.data(), pages);
    vips_image_set_int(srgb.image, "loop", 0);
  }
  if (with_exif) {
    const std::string exif = std::string("Exif\0\0", 6) + ExifTiff();
    vips_image_set_blob_copy(srgb.image, VIPS_META_EXIF_NAME, exif.data(), exif.size());
  }
  const gboolean strip = !with_exif;
  void* bytes = nullptr;
  size_t length = 0;
  int failed = -1;
  if (format == "jpeg") {
    failed = vips_jpegsave_buffer(srgb.image, &bytes, &length, "Q", 90, "strip", strip, nullptr);
  } else if (format == "png") {
    failed = vips_pngsave_buffer(srgb.image, &bytes, &length, "strip", strip, nullptr);
  } else if (format == "webp") {
    failed = vips_webpsave_buffer(srgb.image, &bytes, &length, "strip", strip, nullptr);
  } else if (format == "gif") {
    failed = vips_gifsave_buffer(srgb.image, &bytes, &length, nullptr);
  }
  Check(failed == 0, "save");
  std::string encoded(static_cast<const char*>(bytes), length);
  g_free(bytes);
  return encoded;
}

std::string JpegWithExif(int width, int height) {
  const std::string plain = EncodeImage("jpeg", width, height);
  const std::string tiff = ExifTiff();
  std::string app1 = "\xFF\xE1";
  const size_t length = 2 + 6 + tiff.size();
  app1.push_back(static_cast<char>(length >> 8));
  app1.push_back(static_cast<char>(length & 0xFF));
  app1 += std::string("Exif\0\0", 6) + tiff;
  return plain.substr(0, 2) + app1 + plain.substr(2);  // right after SOI
}

std::string PngHeaderClaiming(int width, int height) {
  std::string png = "\x89PNG\r\n\x1A\n";
  std::string ihdr;
  PutBig32(&ihdr, static_cast<uint32_t>(width));
  PutBig32(&ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
  PutPngChunk(&png, "IHDR", ihdr);
  PutPngChunk(&png, "IDAT", std::string("\x78\x9c\x63\x60\x00\x00", 6));
  PutPngChunk(&png, "IEND", "");
  return png;
}

ImageFacts InspectImage(const std::string& path) { return InspectImageBytes(ReadFile(path)); }

ImageFacts InspectImageBytes(const std::string& bytes) {
  StartVips();
  Image image;
  // All frames of the formats that have them.
  const bool animated = bytes.starts_with("GIF") || bytes.starts_with("RIFF");
  image.image =
      vips_image_new_from_buffer(bytes.data(), bytes.size(), animated ? "n=-1" : "", nullptr);
  if (image.image == nullptr) {
    vips_error_clear();
    return ImageFacts{};
  }
  return Inspect(image.image);
}

}  // namespace parley::media::testing
