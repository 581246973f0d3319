#include <bit>
#include <cmath>
#include <cstring>
#include <optional>

#include "media/voice_containers.h"

namespace parley::media::internal {
namespace {

// Matroska element IDs (marker bits included, as written).
constexpr uint32_t kEbml = 0x1A45DFA3;
constexpr uint32_t kDocType = 0x4282;
constexpr uint32_t kSegment = 0x18538067;
constexpr uint32_t kInfo = 0x1549A966;
constexpr uint32_t kTimecodeScale = 0x2AD7B1;
constexpr uint32_t kDuration = 0x4489;
constexpr uint32_t kTracks = 0x1654AE6B;
constexpr uint32_t kTrackEntry = 0xAE;
constexpr uint32_t kTrackNumber = 0xD7;
constexpr uint32_t kCodecId = 0x86;
constexpr uint32_t kCluster = 0x1F43B675;
constexpr uint32_t kTimecode = 0xE7;
constexpr uint32_t kSimpleBlock = 0xA3;
constexpr uint32_t kBlockGroup = 0xA0;
constexpr uint32_t kBlock = 0xA1;

constexpr uint64_t kDefaultTimecodeScale = 1'000'000;  // nanoseconds per tick: 1 ms
constexpr double kNanosPerMs = 1e6;

Status InvalidWebm(std::string message) {
  return Status(Code::kInvalidArgument, "WebM: " + std::move(message));
}

struct Element {
  uint32_t id = 0;
  bool unknown_size = false;  // all size bits set: extends to its parent's end (live recorders)
  std::string_view data;      // the payload; empty when unknown_size
  size_t header_size = 0;
};

// Reads an EBML variable-length integer of at most `max_length` bytes at `bytes[*pos]`.
// `keep_marker` keeps the length marker bit (element IDs are compared with it).
bool ReadVint(std::string_view bytes, size_t* pos, int max_length, bool keep_marker,
              uint64_t* value, bool* all_ones) {
  if (*pos >= bytes.size()) return false;
  const uint8_t first = static_cast<uint8_t>(bytes[*pos]);
  const int length = std::countl_zero(first) + 1;
  if (first == 0 || length > max_length || bytes.size() - *pos < static_cast<size_t>(length)) {
    return false;
  }
  uint64_t v = keep_marker ? first : (first & (0xFFu >> length));
  for (int i = 1; i < length; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[*pos + i]);
  if (all_ones != nullptr) *all_ones = v == (uint64_t{1} << (7 * length)) - 1;
  *value = v;
  *pos += length;
  return true;
}

// Reads the element header at `pos`; a known size must fit in `bytes`.
Result<Element> ReadElement(std::string_view bytes, size_t pos) {
  const size_t start = pos;
  uint64_t id = 0;
  uint64_t size = 0;
  Element element;
  if (!ReadVint(bytes, &pos, 4, true, &id, nullptr) ||
      !ReadVint(bytes, &pos, 8, false, &size, &element.unknown_size)) {
    return InvalidWebm("truncated or malformed element header");
  }
  element.id = static_cast<uint32_t>(id);
  element.header_size = pos - start;
  if (element.unknown_size) return element;
  if (size > bytes.size() - pos) return InvalidWebm("element runs past the end (truncated)");
  element.data = bytes.substr(pos, size);
  return element;
}

// Calls `visit(child)` for each child of a master element of known size.
template <typename Visit>
Status ForEachChild(std::string_view data, Visit visit) {
  for (size_t pos = 0; pos < data.size();) {
    Result<Element> child = ReadElement(data, pos);
    if (!child.ok()) return child.status();
    if (child->unknown_size) return InvalidWebm("unknown size inside a sized element");
    if (Status visited = visit(*child); !visited.ok()) return visited;
    pos += child->header_size + child->data.size();
  }
  return Status::Ok();
}

bool ReadUnsigned(std::string_view data, uint64_t* value) {
  if (data.size() > 8) return false;
  *value = 0;
  for (char c : data) *value = (*value << 8) | static_cast<uint8_t>(c);
  return true;
}

bool ReadFloat(std::string_view data, double* value) {
  uint64_t bits = 0;
  if (!ReadUnsigned(data, &bits)) return false;
  if (data.size() == 4) {
    *value = std::bit_cast<float>(static_cast<uint32_t>(bits));
  } else if (data.size() == 8) {
    *value = std::bit_cast<double>(bits);
  } else {
    return false;
  }
  return true;
}

struct Walk {
  uint64_t timecode_scale = kDefaultTimecodeScale;
  std::optional<double> duration_ticks;  // Segment Info's Duration, in ticks
  bool tracks_seen = false;
  uint64_t opus_track = 0;  // 0: none
  std::optional<uint64_t> cluster_timecode;
  std::optional<double> last_end_ms;  // end of the latest Opus block
};

Status ReadDocType(const Element& header) {
  std::optional<std::string_view> doc_type;
  Status read = ForEachChild(header.data, [&](const Element& child) {
    if (child.id == kDocType) doc_type = child.data.substr(0, child.data.find('\0'));
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (!doc_type) return InvalidWebm("no DocType");
  if (*doc_type != "webm") return Status(Code::kUnsupportedMedia, "Matroska but not WebM");
  return Status::Ok();
}

Status ReadInfo(const Element& info, Walk* walk) {
  return ForEachChild(info.data, [&](const Element& child) {
    if (child.id == kTimecodeScale) {
      if (!ReadUnsigned(child.data, &walk->timecode_scale) || walk->timecode_scale == 0) {
        return InvalidWebm("bad TimecodeScale");
      }
    } else if (child.id == kDuration) {
      double ticks = 0;
      if (!ReadFloat(child.data, &ticks) || !std::isfinite(ticks) || ticks < 0) {
        return InvalidWebm("bad Duration");
      }
      walk->duration_ticks = ticks;
    }
    return Status::Ok();
  });
}

Status ReadTracks(const Element& tracks, Walk* walk) {
  walk->tracks_seen = true;
  return ForEachChild(tracks.data, [&](const Element& entry) {
    if (entry.id != kTrackEntry) return Status::Ok();
    uint64_t number = 0;
    std::string_view codec;
    Status read = ForEachChild(entry.data, [&](const Element& field) {
      if (field.id == kTrackNumber && !ReadUnsigned(field.data, &number)) {
        return InvalidWebm("bad TrackNumber");
      }
      if (field.id == kCodecId) codec = field.data.substr(0, field.data.find('\0'));
      return Status::Ok();
    });
    if (!read.ok()) return read;
    if (codec == "A_OPUS" && number != 0 && walk->opus_track == 0) walk->opus_track = number;
    return Status::Ok();
  });
}

// A (Simple)Block: track number, timestamp relative to the cluster, flags, then the frame(s).
Status ReadBlock(std::string_view block, Walk* walk) {
  size_t pos = 0;
  uint64_t track = 0;
  if (!ReadVint(block, &pos, 8, false, &track, nullptr) || block.size() - pos < 3) {
    return InvalidWebm("malformed block");
  }
  if (track != walk->opus_track) return Status::Ok();
  if (!walk->cluster_timecode) return InvalidWebm("block before its cluster's Timecode");
  const auto relative = static_cast<int16_t>((static_cast<uint8_t>(block[pos]) << 8) |
                                             static_cast<uint8_t>(block[pos + 1]));
  const uint8_t flags = static_cast<uint8_t>(block[pos + 2]);
  pos += 3;
  const double ticks = static_cast<double>(*walk->cluster_timecode) + relative;
  if (ticks < 0) return InvalidWebm("block before time zero");
  double end_ms = ticks * static_cast<double>(walk->timecode_scale) / kNanosPerMs;
  // Laced blocks (several packets; recorders do not write them) count from their start only.
  const bool laced = (flags & 0x06) != 0;
  if (!laced) end_ms += OpusPacketSamples(block.substr(pos)) / 48.0;
  if (!(end_ms <= kMaxVoiceDurationMs)) return InvalidWebm("implausible block timestamp");
  if (!walk->last_end_ms || end_ms > *walk->last_end_ms) walk->last_end_ms = end_ms;
  return Status::Ok();
}

// One step of the walk through the Segment: Segment and Cluster are entered (their sizes are
// often unknown while recording), everything else is read or skipped whole.
Result<size_t> Step(std::string_view bytes, size_t pos, Walk* walk) {
  Result<Element> element = ReadElement(bytes, pos);
  if (!element.ok()) return element.status();
  const size_t payload = pos + element->header_size;
  if (element->id == kSegment || element->id == kCluster) {
    if (element->id == kCluster) {
      if (!walk->tracks_seen) return InvalidWebm("cluster before Tracks");
      walk->cluster_timecode.reset();
    }
    return payload;
  }
  if (element->unknown_size) return InvalidWebm("unknown size where it is not allowed");
  Status read = Status::Ok();
  switch (element->id) {
    case kInfo:
      read = ReadInfo(*element, walk);
      break;
    case kTracks:
      read = ReadTracks(*element, walk);
      break;
    case kTimecode: {
      uint64_t timecode = 0;
      if (!ReadUnsigned(element->data, &timecode)) return InvalidWebm("bad cluster Timecode");
      walk->cluster_timecode = timecode;
      break;
    }
    case kSimpleBlock:
      read = ReadBlock(element->data, walk);
      break;
    case kBlockGroup:
      read = ForEachChild(element->data, [&](const Element& child) {
        return child.id == kBlock ? ReadBlock(child.data, walk) : Status::Ok();
      });
      break;
    default:
      break;
  }
  if (!read.ok()) return read;
  return payload + element->data.size();
}

}  // namespace

int OpusPacketSamples(std::string_view packet) {
  if (packet.empty()) return 0;
  const uint8_t toc = static_cast<uint8_t>(packet[0]);
  const int config = toc >> 3;
  int frame_samples = 0;
  if (config < 12) {
    static constexpr int kSilk[] = {480, 960, 1920, 2880};  // 10, 20, 40, 60 ms
    frame_samples = kSilk[config % 4];
  } else if (config < 16) {
    frame_samples = config % 2 == 0 ? 480 : 960;  // hybrid: 10, 20 ms
  } else {
    static constexpr int kCelt[] = {120, 240, 480, 960};  // 2.5, 5, 10, 20 ms
    frame_samples = kCelt[config % 4];
  }
  int frames = 1;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (packet.size() < 2) return 0;
      frames = static_cast<uint8_t>(packet[1]) & 0x3F;
  }
  const int samples = frames * frame_samples;
  return samples <= 5760 ? samples : 0;  // at most 120 ms per packet (RFC 6716)
}

Result<int64_t> WebmOpusDurationMs(std::string_view bytes) {
  Result<Element> header = ReadElement(bytes, 0);
  if (!header.ok()) return header.status();
  if (header->id != kEbml || header->unknown_size) return InvalidWebm("no EBML header");
  if (Status doc = ReadDocType(*header); !doc.ok()) return doc;

  Walk walk;
  for (size_t pos = header->header_size + header->data.size(); pos < bytes.size();) {
    Result<size_t> next = Step(bytes, pos, &walk);
    if (!next.ok()) return next.status();
    pos = *next;
  }
  if (!walk.tracks_seen) return InvalidWebm("no Tracks");
  if (walk.opus_track == 0) return Status(Code::kUnsupportedMedia, "WebM without an Opus track");
  double duration_ms = 0;
  if (walk.duration_ticks && *walk.duration_ticks > 0) {
    duration_ms = *walk.duration_ticks * static_cast<double>(walk.timecode_scale) / kNanosPerMs;
  } else if (walk.last_end_ms) {
    duration_ms = *walk.last_end_ms;
  } else {
    return InvalidWebm("no Opus audio");
  }
  if (!(duration_ms <= kMaxVoiceDurationMs)) return InvalidWebm("implausible duration");
  return static_cast<int64_t>(std::llround(duration_ms));
}

}  // namespace parley::media::internal
