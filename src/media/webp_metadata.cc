#include "media/webp_metadata.h"

#include <cstdint>

namespace parley::media::internal {
namespace {

constexpr size_t kRiffHeader = 12;  // "RIFF", size, "WEBP"
constexpr size_t kChunkHeader = 8;  // fourcc, size
// VP8X flag bits (WebP container specification).
constexpr uint8_t kIccFlag = 0x20;
constexpr uint8_t kExifFlag = 0x08;
constexpr uint8_t kXmpFlag = 0x04;

uint32_t Little32(std::string_view bytes, size_t at) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

void SetLittle32(std::string* bytes, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) (*bytes)[at + i] = static_cast<char>(value >> (8 * i));
}

}  // namespace

Result<std::string> WithoutWebpMetadata(std::string_view webp) {
  if (webp.size() < kRiffHeader || !webp.starts_with("RIFF") || webp.substr(8, 4) != "WEBP") {
    return Status(Code::kInternal, "the WebP encoder wrote no RIFF header");
  }
  std::string out(webp.substr(0, kRiffHeader));
  for (size_t pos = kRiffHeader; pos < webp.size();) {
    if (webp.size() - pos < kChunkHeader) return Status(Code::kInternal, "truncated WebP chunk");
    const std::string_view fourcc = webp.substr(pos, 4);
    const size_t padded = (static_cast<size_t>(Little32(webp, pos + 4)) + 1) & ~size_t{1};
    if (webp.size() - pos - kChunkHeader < padded) {
      return Status(Code::kInternal, "truncated WebP chunk");
    }
    if (fourcc != "EXIF" && fourcc != "XMP " && fourcc != "ICCP") {
      const size_t at = out.size();
      out += webp.substr(pos, kChunkHeader + padded);
      if (fourcc == "VP8X" && padded > 0) {
        out[at + kChunkHeader] = static_cast<char>(static_cast<uint8_t>(out[at + kChunkHeader]) &
                                                   ~(kIccFlag | kExifFlag | kXmpFlag));
      }
    }
    pos += kChunkHeader + padded;
  }
  SetLittle32(&out, 4, static_cast<uint32_t>(out.size() - 8));
  return out;
}

}  // namespace parley::media::internal
