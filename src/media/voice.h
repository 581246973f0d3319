// Voice clips: Opus audio in an Ogg or WebM container, as browsers' MediaRecorder makes them.
// The duration is measured from the container (Ogg: the last page's granule position minus the
// pre-skip; WebM: the last block's timestamp, since recorders often omit the Duration element).
//
// Contract
// - VoiceDuration reads the file at `path`. kUnsupportedMedia unless it is Ogg or WebM holding
//   Opus; kInvalidArgument when the container is truncated or inconsistent. Bounded work on any
//   input (fuzzed); never crashes.
// - Thread-safe.
#ifndef PARLEY_MEDIA_VOICE_H_
#define PARLEY_MEDIA_VOICE_H_

#include <cstdint>
#include <string>

#include "base/status.h"

namespace parley::media {

struct VoiceInfo {
  std::string mime;  // "audio/ogg" or "audio/webm"
  int64_t duration_ms = 0;
};

Result<VoiceInfo> ProbeVoice(const std::string& path);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_VOICE_H_
