// ProcessVideo on videos the ffmpeg command makes here: WebM and MP4 kept in their container
// with a poster, duration and size; metadata (location, title) gone; the container found from
// the bytes, not the name; and the refusals: images, truncated files, declared sizes over the
// limits, codecs outside the allowlist, too long, too many streams. Nothing is left behind on
// failure.
#include "media/video.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "tests/media/media_samples.h"
#include "tests/media/video_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::EncodeImage;
using testing::InspectImage;
using testing::ListDirectory;
using testing::ReadFile;
using testing::WriteFile;

class VideoTest : public ::testing::Test {
 protected:
  // Samples are made once for the suite (ffmpeg takes a while) and copied per test.
  static void SetUpTestSuite() {
    samples_ = new parley::testing_support::TempDir();
    const std::string& d = samples_->path();
    testing::WebmVp8Opus(d, "good.webm", 320, 240, 2);
    testing::Mp4H264Aac(d, "good.mp4", 320, 240, 2);
    testing::StreamedWebm(d, "streamed.webm", 2);
    testing::MovWithLocation(d, "located.mov");
    testing::RotatedMp4(d, "rotated.mp4");
    testing::WebmVp8Opus(d, "tiny.webm", 64, 48, 0.5);
    testing::Mp4H264Aac(d, "tiny.mp4", 64, 48, 0.5);
  }
  static void TearDownTestSuite() {
    delete samples_;
    samples_ = nullptr;
  }
  static std::string Sample(const std::string& name) { return samples_->path() + "/" + name; }

  // Copies `source` into the test's directory as the upload, under `name`.
  std::string Upload(const std::string& source, const std::string& name = "upload") {
    const std::string path = dir_.path() + "/" + name;
    WriteFile(path, ReadFile(source));
    return path;
  }
  Result<ProcessedVideo> Process(const std::string& input, const VideoLimits& limits = {}) {
    return ProcessVideo(input, output(), poster(), limits);
  }
  std::string output() const { return dir_.path() + "/video"; }
  std::string poster() const { return dir_.path() + "/poster"; }
  // After a refusal only the input may remain: no output, no staged temporary file.
  void ExpectOnly(const std::string& name) {
    EXPECT_EQ(ListDirectory(dir_.path()), std::vector<std::string>{name});
  }

  static parley::testing_support::TempDir* samples_;
  parley::testing_support::TempDir dir_;
};

parley::testing_support::TempDir* VideoTest::samples_ = nullptr;

TEST_F(VideoTest, WebmStaysWebmWithItsSizeDurationAndAPoster) {
  auto video = Process(Upload(Sample("good.webm")));
  ASSERT_TRUE(video.ok()) << video.status().message();
  EXPECT_EQ(video->mime, "video/webm");
  EXPECT_EQ(video->width, 320);
  EXPECT_EQ(video->height, 240);
  EXPECT_NEAR(video->duration_ms, 2000, 100);
  EXPECT_EQ(video->poster_mime, "image/webp");
  EXPECT_TRUE(video->preview.starts_with("data:image/webp;base64,"));
  EXPECT_EQ(testing::ProbeCodecs(output()), "vp8,opus");
  const testing::ImageFacts poster = InspectImage(this->poster());
  ASSERT_TRUE(poster.ok);
  EXPECT_EQ(poster.loader, "webpload_buffer");
  EXPECT_EQ(poster.width, 320);
  EXPECT_EQ(poster.page_height, 240);
}

TEST_F(VideoTest, Mp4StaysMp4WithItsIndexFirst) {
  auto video = Process(Upload(Sample("good.mp4")));
  ASSERT_TRUE(video.ok()) << video.status().message();
  EXPECT_EQ(video->mime, "video/mp4");
  EXPECT_EQ(video->width, 320);
  EXPECT_EQ(video->height, 240);
  EXPECT_NEAR(video->duration_ms, 2000, 100);
  EXPECT_EQ(testing::ProbeCodecs(output()), "h264,aac");
  const std::string bytes = ReadFile(output());
  ASSERT_NE(bytes.find("moov"), std::string::npos);
  EXPECT_LT(bytes.find("moov"), bytes.find("mdat"));  // playback starts before the end arrives
}

TEST_F(VideoTest, PostersAreShrunkToThePosterSide) {
  VideoLimits limits;
  limits.poster_side = 160;
  auto video = Process(Upload(Sample("good.webm")), limits);
  ASSERT_TRUE(video.ok()) << video.status().message();
  const testing::ImageFacts poster = InspectImage(this->poster());
  EXPECT_EQ(poster.width, 160);
  EXPECT_EQ(poster.page_height, 120);
}

TEST_F(VideoTest, ARecorderStyleWebmWithoutDurationIsMeasured) {
  ASSERT_EQ(testing::ProbeTags(Sample("streamed.webm")).find("DURATION"), std::string::npos);
  auto video = Process(Upload(Sample("streamed.webm")));
  ASSERT_TRUE(video.ok()) << video.status().message();
  EXPECT_NEAR(video->duration_ms, 2000, 100);
}

TEST_F(VideoTest, LocationTitleAndEncoderAreGone) {
  const std::string input = Upload(Sample("located.mov"));
  ASSERT_NE(ReadFile(input).find(testing::kSampleLocation), std::string::npos);
  auto video = Process(input);
  ASSERT_TRUE(video.ok()) << video.status().message();
  EXPECT_EQ(video->mime, "video/mp4");
  const std::string bytes = ReadFile(output());
  EXPECT_EQ(bytes.find("48.8577"), std::string::npos);
  EXPECT_EQ(bytes.find(testing::kSampleTitle), std::string::npos);
  EXPECT_EQ(bytes.find("ParleyCam"), std::string::npos);
  EXPECT_EQ(bytes.find("Lavf"), std::string::npos);  // no encoder tag
  const std::string tags = testing::ProbeTags(output());
  EXPECT_EQ(tags.find("location"), std::string::npos) << tags;
  EXPECT_EQ(tags.find("title"), std::string::npos) << tags;
  EXPECT_EQ(tags.find("encoder"), std::string::npos) << tags;
}

TEST_F(VideoTest, RotationIsKeptAndSizesAreAsShown) {
  auto video = Process(Upload(Sample("rotated.mp4")));
  ASSERT_TRUE(video.ok()) << video.status().message();
  EXPECT_EQ(video->width, 240);
  EXPECT_EQ(video->height, 320);
  const testing::ImageFacts poster = InspectImage(this->poster());
  EXPECT_EQ(poster.width, 240);
  EXPECT_EQ(poster.page_height, 320);
  EXPECT_EQ(testing::ProbeRotation(output()), "-90");
}

TEST_F(VideoTest, TheContainerComesFromTheBytesNotTheName) {
  auto video = Process(Upload(Sample("good.webm"), "clip.mp4"));
  ASSERT_TRUE(video.ok()) << video.status().message();
  EXPECT_EQ(video->mime, "video/webm");
}

TEST_F(VideoTest, AnImageNamedMp4IsRefused) {
  const std::string input = dir_.path() + "/photo.mp4";
  WriteFile(input, EncodeImage("png", 64, 64));
  auto video = Process(input);
  EXPECT_EQ(video.status().code(), Code::kUnsupportedMedia);
  ExpectOnly("photo.mp4");
}

TEST_F(VideoTest, TruncatedVideosAreRefused) {
  // ffmpeg writes the MP4 index last: half the file has no index.
  const std::string mp4 = Upload(Sample("good.mp4"));
  testing::Truncate(mp4, ReadFile(mp4).size() / 2);
  EXPECT_EQ(Process(mp4).status().code(), Code::kInvalidArgument);
  ExpectOnly("upload");
  // A WebM cut inside its header.
  const std::string webm = Upload(Sample("good.webm"));
  testing::Truncate(webm, 200);
  EXPECT_EQ(Process(webm).status().code(), Code::kInvalidArgument);
  ExpectOnly("upload");
  // Cut among the frames: the demuxers stop quietly, the declared duration tells.
  const std::string frames = Upload(Sample("good.webm"));
  testing::Truncate(frames, ReadFile(frames).size() * 2 / 3);
  EXPECT_EQ(Process(frames).status().code(), Code::kInvalidArgument);
  ExpectOnly("upload");
  const std::string indexed = Upload(Sample("good.mp4"));
  EXPECT_TRUE(Process(indexed).ok());  // rewritten with its index first
  const std::string rewritten = ReadFile(output());
  std::remove(output().c_str());
  std::remove(poster().c_str());
  WriteFile(indexed, rewritten.substr(0, rewritten.size() * 2 / 3));
  EXPECT_EQ(Process(indexed).status().code(), Code::kInvalidArgument);
  ExpectOnly("upload");
}

TEST_F(VideoTest, HugeDeclaredDimensionsAreRefusedBeforeDecoding) {
  for (auto [width, height] : {std::pair{30000, 240}, std::pair{4000, 4000}}) {
    SCOPED_TRACE(std::to_string(width) + "x" + std::to_string(height));
    const std::string input = Upload(Sample("good.mp4"));
    testing::DeclareSize(input, width, height);
    EXPECT_EQ(Process(input).status().code(), Code::kTooLarge);
    ExpectOnly("upload");
  }
}

TEST_F(VideoTest, CodecsOutsideTheAllowlistAreRefused) {
  const std::string sources = "-f lavfi -i testsrc=s=160x120:r=10:d=1 -f lavfi -i sine=d=1 ";
  const std::string mpeg4 =
      testing::MakeVideo(dir_.path(), "mpeg4.mp4", sources + "-c:v mpeg4 -c:a aac -f mp4");
  EXPECT_EQ(Process(mpeg4).status().code(), Code::kUnsupportedMedia);
  const std::string pcm = testing::MakeVideo(
      dir_.path(), "pcm.mov", sources + "-c:v libx264 -preset ultrafast -c:a pcm_s16le -f mov");
  EXPECT_EQ(Process(pcm).status().code(), Code::kUnsupportedMedia);
  const std::string audio_only =
      testing::MakeVideo(dir_.path(), "audio.webm", "-f lavfi -i sine=d=1 -c:a libopus -f webm");
  EXPECT_EQ(Process(audio_only).status().code(), Code::kUnsupportedMedia);
  EXPECT_EQ(ListDirectory(dir_.path()),
            (std::vector<std::string>{"audio.webm", "mpeg4.mp4", "pcm.mov"}));
}

TEST_F(VideoTest, TooLongIsRefusedWhetherDeclaredOrMeasured) {
  VideoLimits limits;
  limits.max_duration_ms = 1000;
  EXPECT_EQ(Process(Upload(Sample("good.webm")), limits).status().code(), Code::kTooLarge);
  // No declared duration: caught while the packets are read.
  EXPECT_EQ(Process(Upload(Sample("streamed.webm")), limits).status().code(), Code::kTooLarge);
  ExpectOnly("upload");
}

TEST_F(VideoTest, TooManyStreamsAreRefused) {
  const std::string many = testing::MakeVideo(
      dir_.path(), "many.mkv",
      "-f lavfi -i testsrc=s=160x120:r=10:d=1 -f lavfi -i sine=d=1 -map 0 -map 1 -map 1 -map 1 "
      "-map 1 -c:v libvpx -c:a libopus -f matroska");
  EXPECT_EQ(Process(many).status().code(), Code::kTooLarge);
  ExpectOnly("many.mkv");
}

TEST_F(VideoTest, TheUploadsSizeIsBounded) {
  VideoLimits limits;
  limits.max_bytes = 1000;
  EXPECT_EQ(Process(Upload(Sample("good.webm")), limits).status().code(), Code::kTooLarge);
  ExpectOnly("upload");
}

// Seeded mutation fuzzing for every build (tests/fuzz/video_fuzz.cc is the libFuzzer target):
// bytes overwritten, header fields set to boundary values and files cut short, checking the
// contract: success within the limits, or a typed refusal that leaves nothing behind.
TEST_F(VideoTest, MutatedVideosGiveAVideoOrATypedRefusal) {
  std::mt19937 rng(20261206);
  int accepted = 0;
  int refused = 0;
  for (const char* name : {"tiny.webm", "tiny.mp4"}) {
    const std::string original = ReadFile(Sample(name));
    std::uniform_int_distribution<size_t> anywhere(0, original.size() - 1);
    std::uniform_int_distribution<size_t> header(0, std::min<size_t>(original.size(), 600) - 1);
    std::vector<std::string> mutants;
    for (int i = 0; i < 120; ++i) {
      std::string m = original;
      const bool in_header = i % 2 == 0;
      for (int e = 0; e < 1 + i % 4; ++e) {
        const size_t at = in_header ? header(rng) : anywhere(rng);
        m[at] = static_cast<char>(i % 3 == 0 ? 0xff : i % 3 == 1 ? 0x00 : rng() & 0xff);
      }
      mutants.push_back(std::move(m));
    }
    for (size_t cut = 7; cut < original.size(); cut += original.size() / 25) {
      mutants.push_back(original.substr(0, cut));
    }
    for (const std::string& mutant : mutants) {
      const std::string input = dir_.path() + "/upload";
      WriteFile(input, mutant);
      auto video = Process(input);
      if (video.ok()) {
        ++accepted;
        EXPECT_GT(video->width, 0);
        EXPECT_LE(video->duration_ms, VideoLimits{}.max_duration_ms);
        EXPECT_EQ(ListDirectory(dir_.path()),
                  (std::vector<std::string>{"poster", "upload", "video"}));
        std::remove(output().c_str());
        std::remove(poster().c_str());
        continue;
      }
      ++refused;
      const Code code = video.status().code();
      EXPECT_TRUE(code == Code::kUnsupportedMedia || code == Code::kInvalidArgument ||
                  code == Code::kTooLarge)
          << video.status().message();
      ExpectOnly("upload");
    }
  }
  // Both outcomes happen, so the mutants reach past the first checks.
  EXPECT_GT(accepted, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace parley::media
