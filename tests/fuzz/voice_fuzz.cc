// libFuzzer target: uploaded voice clips through the real media code (media::ProbeVoice:
// libmagic, then the Ogg or WebM parser), and both container parsers on the bytes directly so
// that inputs libmagic would not name still reach them.
// Contract: a duration within [0, 24 h], or kUnsupportedMedia / kInvalidArgument.
#include <fstream>
#include <string>

#include "media/media_type.h"
#include "media/voice.h"
#include "media/voice_containers.h"
#include "tests/fuzz/fuzz_contract.h"
#include "tests/support/temp_dir.h"

namespace {

void CheckDuration(const parley::Result<int64_t>& duration) {
  using parley::Code;
  parley::fuzz::CheckResult(duration, {Code::kUnsupportedMedia, Code::kInvalidArgument});
  if (duration.ok()) {
    PARLEY_FUZZ_CHECK(*duration >= 0 && *duration <= parley::media::internal::kMaxVoiceDurationMs);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  static const testing_support::TempDir dir;
  static const std::string upload = dir.path() + "/upload";
  {
    std::ofstream file(upload, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Result<media::VoiceInfo> voice = media::ProbeVoice(upload);
  fuzz::CheckResult(voice, {Code::kUnsupportedMedia, Code::kInvalidArgument});
  if (voice.ok()) {
    PARLEY_FUZZ_CHECK(voice->mime == "audio/ogg" || voice->mime == "audio/webm");
    PARLEY_FUZZ_CHECK(voice->duration_ms >= 0 &&
                      voice->duration_ms <= media::internal::kMaxVoiceDurationMs);
  }
  const std::string_view bytes = fuzz::AsText(data, size);
  CheckDuration(media::internal::OggOpusDurationMs(bytes));
  CheckDuration(media::internal::WebmOpusDurationMs(bytes));
  const int samples = media::internal::OpusPacketSamples(bytes);
  PARLEY_FUZZ_CHECK(samples >= 0 && samples <= 48 * 120);  // RFC 6716: 120 ms at most
  return 0;
}
