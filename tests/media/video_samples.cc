#include "tests/media/video_samples.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "tests/media/media_samples.h"

namespace parley::media::testing {
namespace {

std::string Run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  if (pclose(pipe) != 0) throw std::runtime_error("failed: " + command);
  return out;
}

std::string Sources(int width, int height, double seconds) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  const std::string length = std::to_string(seconds);
  return "-f lavfi -i testsrc=s=" + size + ":r=15:d=" + length + " -f lavfi -i sine=d=" + length;
}

}  // namespace

std::string MakeVideo(const std::string& dir, const std::string& name,
                      const std::string& arguments) {
  const std::string path = dir + "/" + name;
  Run("ffmpeg -nostdin -v error -y " + arguments + " '" + path + "' 2>&1");
  return path;
}

std::string WebmVp8Opus(const std::string& dir, const std::string& name, int width, int height,
                        double seconds) {
  return MakeVideo(dir, name,
                   Sources(width, height, seconds) + " -c:v libvpx -b:v 300k -c:a libopus -f webm");
}

std::string Mp4H264Aac(const std::string& dir, const std::string& name, int width, int height,
                       double seconds) {
  return MakeVideo(dir, name,
                   Sources(width, height, seconds) +
                       " -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -f mp4");
}

std::string StreamedWebm(const std::string& dir, const std::string& name, double seconds) {
  const std::string path = dir + "/" + name;
  Run("ffmpeg -nostdin -v error " + Sources(320, 240, seconds) +
      " -c:v libvpx -b:v 300k -c:a libopus -f webm pipe:1 > '" + path + "'");
  return path;
}

std::string MovWithLocation(const std::string& dir, const std::string& name) {
  return MakeVideo(dir, name,
                   Sources(320, 240, 1) +
                       " -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -metadata "
                       "location=" +
                       kSampleLocation + " -metadata 'title=" + kSampleTitle +
                       "' -metadata:s:v 'handler_name=ParleyCam' -f mov");
}

std::string RotatedMp4(const std::string& dir, const std::string& name) {
  const std::string path = Mp4H264Aac(dir, name, 320, 240, 1);
  std::string bytes = ReadFile(path);
  const size_t box = bytes.find("tkhd");  // ffmpeg writes the video track first
  if (box == std::string::npos || bytes[box + 4] != 0) {
    throw std::runtime_error("no version 0 tkhd in " + path);
  }
  // After version and flags: 5 32-bit times and ids, 8 reserved, layer, group, volume,
  // reserved (16-bit each), then the 3x3 matrix of 32-bit big-endian values.
  const size_t matrix = box + 4 + 4 + 20 + 8 + 8;
  const uint32_t turned[9] = {0, 0x10000, 0, 0xffff0000u, 0, 0, 0, 0, 0x40000000};
  for (int i = 0; i < 9; ++i) {
    for (int b = 0; b < 4; ++b)
      bytes[matrix + 4 * i + b] = static_cast<char>(turned[i] >> (24 - 8 * b));
  }
  WriteFile(path, bytes);
  return path;
}

void DeclareSize(const std::string& path, int width, int height) {
  std::string bytes = ReadFile(path);
  const size_t entry = bytes.find("avc1", bytes.find("stsd"));  // not the ftyp brand
  if (entry == std::string::npos) throw std::runtime_error("no avc1 sample entry in " + path);
  // VisualSampleEntry after its type: 6 reserved, 2 data reference index, 16 pre-defined and
  // reserved, then width and height (big-endian 16-bit).
  const size_t at = entry + 4 + 6 + 2 + 16;
  bytes[at] = static_cast<char>(width >> 8);
  bytes[at + 1] = static_cast<char>(width & 0xff);
  bytes[at + 2] = static_cast<char>(height >> 8);
  bytes[at + 3] = static_cast<char>(height & 0xff);
  WriteFile(path, bytes);
}

void Truncate(const std::string& path, size_t bytes) {
  WriteFile(path, ReadFile(path).substr(0, bytes));
}

std::string ProbeCodecs(const std::string& path) {
  std::string out =
      Run("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 '" + path + "'");
  for (char& c : out) c = c == '\n' ? ',' : c;
  while (!out.empty() && out.back() == ',') out.pop_back();
  return out;
}

std::string ProbeRotation(const std::string& path) {
  std::string out =
      Run("ffprobe -v error -show_entries stream_side_data=rotation -of csv=p=0 '" + path + "'");
  while (!out.empty() && (out.back() == '\n' || out.back() == ',')) out.pop_back();
  return out;
}

std::string ProbeTags(const std::string& path) {
  return Run("ffprobe -v error -show_entries format_tags:stream_tags -of flat '" + path + "'");
}

}  // namespace parley::media::testing
