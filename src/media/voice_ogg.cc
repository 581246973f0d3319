#include <array>
#include <cstring>

#include "media/voice_containers.h"

namespace parley::media::internal {
namespace {

constexpr size_t kPageHeaderBytes = 27;
constexpr uint8_t kBeginningOfStream = 0x02;
constexpr int64_t kNoGranule = -1;  // a page on which no packet ends
constexpr int64_t kOpusSamplesPerMs = 48;

// Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor.
constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t r = i << 24;
    for (int bit = 0; bit < 8; ++bit) r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u : r << 1;
    table[i] = r;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

uint32_t OggCrc(std::string_view page) {
  uint32_t crc = 0;
  for (size_t i = 0; i < page.size(); ++i) {
    // The checksum field itself (bytes 22..25) counts as zeros.
    const uint8_t byte = (i >= 22 && i < 26) ? 0 : static_cast<uint8_t>(page[i]);
    crc = (crc << 8) ^ kCrcTable[(crc >> 24) ^ byte];
  }
  return crc;
}

uint64_t LittleEndian(std::string_view bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

Status InvalidOgg(std::string message) {
  return Status(Code::kInvalidArgument, "Ogg: " + std::move(message));
}

struct OpusStream {
  bool found = false;
  uint32_t serial = 0;
  int64_t pre_skip = 0;
  int64_t last_granule = kNoGranule;
};

// The identification header (RFC 7845 section 5.1) opening an Opus stream.
bool ReadOpusHead(std::string_view packet, OpusStream* stream) {
  if (packet.size() < 19 || !packet.starts_with("OpusHead")) return false;
  const uint8_t version = static_cast<uint8_t>(packet[8]);
  const uint8_t channels = static_cast<uint8_t>(packet[9]);
  if ((version & 0xF0) != 0 || channels == 0) return false;
  stream->pre_skip = static_cast<int64_t>(LittleEndian(packet, 10, 2));
  return true;
}

}  // namespace

Result<int64_t> OggOpusDurationMs(std::string_view bytes) {
  OpusStream opus;
  size_t pos = 0;
  bool first_page = true;
  while (pos < bytes.size()) {
    const std::string_view rest = bytes.substr(pos);
    if (rest.size() < kPageHeaderBytes) return InvalidOgg("truncated page header");
    if (!rest.starts_with("OggS") || rest[4] != 0) return InvalidOgg("lost page sync");
    const size_t segments = static_cast<uint8_t>(rest[26]);
    if (rest.size() < kPageHeaderBytes + segments) return InvalidOgg("truncated segment table");
    size_t body_size = 0;
    for (size_t i = 0; i < segments; ++i) body_size += static_cast<uint8_t>(rest[27 + i]);
    const size_t page_size = kPageHeaderBytes + segments + body_size;
    if (rest.size() < page_size) return InvalidOgg("truncated page");
    const std::string_view page = rest.substr(0, page_size);
    if (OggCrc(page) != LittleEndian(page, 22, 4)) return InvalidOgg("page checksum mismatch");

    const uint8_t flags = static_cast<uint8_t>(page[5]);
    const int64_t granule = static_cast<int64_t>(LittleEndian(page, 6, 8));
    const uint32_t serial = static_cast<uint32_t>(LittleEndian(page, 14, 4));
    const std::string_view body = page.substr(kPageHeaderBytes + segments);
    if (first_page && !(flags & kBeginningOfStream)) return InvalidOgg("no beginning of stream");
    first_page = false;
    if ((flags & kBeginningOfStream) && !opus.found && ReadOpusHead(body, &opus)) {
      opus.found = true;
      opus.serial = serial;
    } else if (opus.found && serial == opus.serial && granule != kNoGranule) {
      if (granule < opus.last_granule) return InvalidOgg("granule position goes backwards");
      opus.last_granule = granule;
    }
    pos += page_size;
  }
  if (!opus.found) return Status(Code::kUnsupportedMedia, "Ogg without an Opus stream");
  if (opus.last_granule <= opus.pre_skip) return InvalidOgg("no audio after the pre-skip");
  const int64_t samples = opus.last_granule - opus.pre_skip;
  if (samples / kOpusSamplesPerMs > kMaxVoiceDurationMs) return InvalidOgg("implausible duration");
  return (samples + kOpusSamplesPerMs / 2) / kOpusSamplesPerMs;
}

}  // namespace parley::media::internal
