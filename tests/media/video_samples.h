// Test videos made by the tests themselves with the ffmpeg command (Debian's ffmpeg: libvpx,
// libx264, libopus, its own AAC and MPEG-4 encoders), never by the code under test, and
// hostile ones derived from them byte by byte. Each call writes a new file into `dir` and
// returns its path; a failing ffmpeg throws (the test fails loudly).
#ifndef PARLEY_TESTS_MEDIA_VIDEO_SAMPLES_H_
#define PARLEY_TESTS_MEDIA_VIDEO_SAMPLES_H_

#include <string>

namespace parley::media::testing {

// Runs `ffmpeg -v error -y <arguments> <dir>/<name>` (arguments are shell words, trusted).
std::string MakeVideo(const std::string& dir, const std::string& name,
                      const std::string& arguments);

// A test pattern with a tone: VP8 + Opus in WebM / H.264 + AAC in MP4, `seconds` long.
std::string WebmVp8Opus(const std::string& dir, const std::string& name, int width, int height,
                        double seconds);
std::string Mp4H264Aac(const std::string& dir, const std::string& name, int width, int height,
                       double seconds);
// VP8 + Opus WebM written to a pipe, as MediaRecorder writes it: no Duration, no Cues.
std::string StreamedWebm(const std::string& dir, const std::string& name, double seconds);
// A QuickTime file whose metadata holds a location (©xyz), a title and an encoder name.
std::string MovWithLocation(const std::string& dir, const std::string& name);
constexpr const char* kSampleLocation = "+48.8577+002.2950/";
constexpr const char* kSampleTitle = "Parley secret title";
// 320x240 H.264 + AAC shown turned 90 degrees clockwise (its track header's display matrix
// rewritten here, as phones record).
std::string RotatedMp4(const std::string& dir, const std::string& name);

// `path`'s H.264 sample entry ("avc1") rewritten to declare width x height (16-bit each).
void DeclareSize(const std::string& path, int width, int height);
// `path` cut to its first `bytes` bytes.
void Truncate(const std::string& path, size_t bytes);

// What ffprobe reads back: "codec_name" of each stream, comma-separated, and every tag
// (format and stream) as "key=value" lines.
std::string ProbeCodecs(const std::string& path);
std::string ProbeTags(const std::string& path);
// The video stream's display rotation as ffprobe prints it ("-90"), empty when it has none.
std::string ProbeRotation(const std::string& path);

}  // namespace parley::media::testing

#endif  // PARLEY_TESTS_MEDIA_VIDEO_SAMPLES_H_
