// Seeded mutation fuzzing of the two decoders of uploaded bytes: ProcessImage (libmagic +
// libvips) and ProbeVoice (own Ogg and WebM parsers). Every image fixture and voice fixture is
// bit-flipped, grown by inserted bytes, truncated at every k-th offset and has its header fields
// overwritten. Deterministic (fixed seed, fixed counts), bounded, and checks the contracts: each
// input gives success or a typed refusal (never a crash, a hang or kInternal), and a refused
// image leaves no file behind.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "media/image.h"
#include "media/voice.h"
#include "tests/media/media_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::ListDirectory;
using testing::WriteFile;

constexpr uint32_t kSeed = 20261123;

// Every mutant of `input`: `random_mutants` random edits, truncations at every k-th offset
// (k chosen so there are about `truncations`), and each of the first `header_bytes` bytes (where
// the format's header fields are) set to boundary values.
std::vector<std::string> Mutants(const std::string& input, int random_mutants, int truncations,
                                 size_t header_bytes, std::mt19937& rng) {
  std::vector<std::string> out;
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < random_mutants; ++i) {
    std::string m = input;
    const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      std::uniform_int_distribution<size_t> at(0, m.size() - 1);
      switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
        case 0:
          m[at(rng)] ^= static_cast<char>(1 << std::uniform_int_distribution<int>(0, 7)(rng));
          break;
        case 1:
          m.insert(at(rng), 1, static_cast<char>(byte(rng)));
          break;
        case 2:
          m.erase(at(rng), std::uniform_int_distribution<size_t>(1, 16)(rng));
          break;
        default: {
          const size_t from = at(rng);
          m.insert(at(rng), m.substr(from, 32));  // a duplicated run
        }
      }
    }
    out.push_back(std::move(m));
  }
  const size_t step = std::max<size_t>(1, input.size() / truncations);
  for (size_t cut = 0; cut < input.size(); cut += step) out.push_back(input.substr(0, cut));
  for (size_t at = 0; at < std::min(header_bytes, input.size()); ++at) {
    for (char value : {'\x00', '\xFF', '\x7F'}) {
      if (input[at] == value) continue;
      std::string m = input;
      m[at] = value;
      out.push_back(std::move(m));
    }
  }
  return out;
}

bool IsTypedRefusal(Code code) {
  return code == Code::kInvalidArgument || code == Code::kUnsupportedMedia ||
         code == Code::kTooLarge;
}

class MediaFuzzTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitImageProcessing().ok()); }
  std::string Input(const std::string& bytes) {
    const std::string path = dir_.path() + "/upload";
    WriteFile(path, bytes);
    return path;
  }
  parley::testing_support::TempDir dir_;
};

TEST_F(MediaFuzzTest, MutatedImagesGiveTypedErrorsAndLeaveNothingBehind) {
  const std::vector<std::string> fixtures = {
      testing::EncodeImage("jpeg", 64, 48),   testing::EncodeImage("png", 64, 48),
      testing::EncodeImage("webp", 64, 48),   testing::EncodeImage("gif", 64, 48),
      testing::EncodeImage("gif", 24, 16, 3), testing::EncodeImage("webp", 24, 16, 3),
      testing::JpegWithExif(48, 32)};
  // Mutated headers may claim big images; keep each decode small so the run stays short.
  const ImageLimits limits{.max_pixels = 1'000'000, .max_animation_pixels = 2'000'000};
  std::mt19937 rng(kSeed);
  const std::string output = dir_.path() + "/image";
  const std::string thumbnail = dir_.path() + "/thumbnail";
  int inputs = 0, accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& fixture : fixtures) {
    for (const std::string& mutant : Mutants(fixture, 30, 15, 24, rng)) {
      ++inputs;
      Result<ProcessedImage> image = ProcessImage(Input(mutant), output, thumbnail, limits);
      if (image.ok()) {
        ++accepted;
        EXPECT_GT(image->width, 0);
        EXPECT_GT(image->height, 0);
        EXPECT_EQ(ListDirectory(dir_.path()),
                  (std::vector<std::string>{"image", "thumbnail", "upload"}));
        std::remove(output.c_str());
        std::remove(thumbnail.c_str());
      } else {
        EXPECT_TRUE(IsTypedRefusal(image.status().code())) << image.status().message();
        EXPECT_EQ(ListDirectory(dir_.path()), std::vector<std::string>{"upload"});
      }
    }
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::printf("image fuzz: %d inputs, %d accepted, %lld ms\n", inputs, accepted,
              static_cast<long long>(ms));
  EXPECT_GT(inputs, 700);
}

TEST_F(MediaFuzzTest, MutatedVoiceClipsGiveTypedErrors) {
  const std::vector<std::string> fixtures = {
      testing::ReadFile(testing::DataPath("sine-2000ms.opus")),
      testing::ReadFile(testing::DataPath("chromium-voice.webm"))};
  std::mt19937 rng(kSeed);
  int inputs = 0, accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& fixture : fixtures) {
    ASSERT_FALSE(fixture.empty());
    for (const std::string& mutant : Mutants(fixture, 500, 200, 64, rng)) {
      ++inputs;
      Result<VoiceInfo> voice = ProbeVoice(Input(mutant));
      if (voice.ok()) {
        ++accepted;
        EXPECT_GE(voice->duration_ms, 0);
        EXPECT_LE(voice->duration_ms, 24LL * 3600 * 1000);
      } else {
        EXPECT_TRUE(IsTypedRefusal(voice.status().code())) << voice.status().message();
      }
    }
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::printf("voice fuzz: %d inputs, %d accepted, %lld ms\n", inputs, accepted,
              static_cast<long long>(ms));
  EXPECT_GT(inputs, 1600);
}

TEST_F(MediaFuzzTest, EachDecoderRefusesTheOthersInputs) {
  const std::string voice = testing::ReadFile(testing::DataPath("chromium-voice.webm"));
  Result<ProcessedImage> image =
      ProcessImage(Input(voice), dir_.path() + "/image", dir_.path() + "/thumbnail", {});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), Code::kUnsupportedMedia);
  Result<VoiceInfo> probed = ProbeVoice(Input(testing::EncodeImage("jpeg", 16, 16)));
  ASSERT_FALSE(probed.ok());
  EXPECT_EQ(probed.status().code(), Code::kUnsupportedMedia);
}

}  // namespace
}  // namespace parley::media
