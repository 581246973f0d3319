// Internal to media/: the container parsers behind ProbeVoice. Each reads the whole file's bytes
// (`bytes`), walks them once (work proportional to their size, whatever they contain) and returns
// the Opus audio's duration in milliseconds. kUnsupportedMedia when the container holds no Opus
// audio (or is not the expected container); kInvalidArgument when it is truncated or
// inconsistent.
#ifndef PARLEY_MEDIA_VOICE_CONTAINERS_H_
#define PARLEY_MEDIA_VOICE_CONTAINERS_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace parley::media::internal {

// Longer than any voice clip; larger claimed durations are treated as inconsistent.
constexpr int64_t kMaxVoiceDurationMs = 24LL * 3600 * 1000;

// Ogg (RFC 3533) carrying Opus (RFC 7845): every page's structure and CRC is checked; duration =
// (granule position of the Opus stream's last page - pre-skip) / 48 kHz.
Result<int64_t> OggOpusDurationMs(std::string_view bytes);

// WebM (Matroska with DocType "webm") with an "A_OPUS" track: the Segment Info's Duration when
// present, else the end of the last Opus block (its timestamp plus the packet's own duration,
// read from the Opus TOC byte). Unknown-size Segments and Clusters (live recorders) are handled.
Result<int64_t> WebmOpusDurationMs(std::string_view bytes);

// Samples at 48 kHz in an Opus packet, from its TOC byte(s) (RFC 6716 section 3.1); 0 when the
// packet is empty or malformed.
int OpusPacketSamples(std::string_view packet);

}  // namespace parley::media::internal

#endif  // PARLEY_MEDIA_VOICE_CONTAINERS_H_
