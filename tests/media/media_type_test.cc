// SniffMime reads the type from the bytes (libmagic), never from a name; the media kinds'
// names; which types count as images.
#include "media/media_type.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/media/media_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::EncodeImage;
using testing::WriteFile;

TEST(MediaTypeTest, SniffsTheBytesNotTheName) {
  parley::testing_support::TempDir dir;
  struct Case {
    std::string bytes;
    const char* mime;
  };
  const std::vector<Case> cases = {
      {EncodeImage("jpeg", 8, 8), "image/jpeg"},
      {EncodeImage("png", 8, 8), "image/png"},
      {EncodeImage("webp", 8, 8), "image/webp"},
      {EncodeImage("gif", 8, 8), "image/gif"},
      {testing::ReadFile(testing::DataPath("sine-2000ms.opus")), "audio/ogg"},
      {testing::ReadFile(testing::DataPath("chromium-voice.webm")), "video/webm"},
      {"%PDF-1.4\n%%EOF\n", "application/pdf"},
      {"hello there\n", "text/plain"},
  };
  for (const Case& c : cases) {
    // Named like a JPEG whatever it is: the name must not matter.
    const std::string path = dir.path() + "/photo.jpg";
    WriteFile(path, c.bytes);
    EXPECT_EQ(SniffMime(path), c.mime);
  }
}

TEST(MediaTypeTest, UnnameableOrMissingFilesAreOctetStream) {
  parley::testing_support::TempDir dir;
  EXPECT_EQ(SniffMime(dir.path() + "/missing"), "application/octet-stream");
  const std::string noise = dir.path() + "/noise";
  std::string bytes(4096, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919 + 13) % 251);
  WriteFile(noise, bytes);
  EXPECT_EQ(SniffMime(noise), "application/octet-stream");
}

TEST(MediaTypeTest, SniffingFromManyThreadsAgrees) {
  parley::testing_support::TempDir dir;
  const std::string png = dir.path() + "/a";
  WriteFile(png, EncodeImage("png", 8, 8));
  std::vector<std::thread> threads;
  std::vector<std::string> seen(8);
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) seen[t] = SniffMime(png);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& mime : seen) EXPECT_EQ(mime, "image/png");
}

TEST(MediaTypeTest, SupportedImagesAreExactlyJpegPngWebpGif) {
  for (const char* mime : {"image/jpeg", "image/png", "image/webp", "image/gif"}) {
    EXPECT_TRUE(IsSupportedImage(mime)) << mime;
  }
  for (const char* mime : {"image/svg+xml", "image/tiff", "image/heic", "image/bmp",
                           "application/pdf", "IMAGE/JPEG", "image/jpeg ", ""}) {
    EXPECT_FALSE(IsSupportedImage(mime)) << mime;
  }
}

TEST(MediaTypeTest, KindNamesRoundTrip) {
  for (MediaKind kind :
       {MediaKind::kImage, MediaKind::kVoice, MediaKind::kFile, MediaKind::kVideo}) {
    MediaKind parsed = MediaKind::kFile;
    ASSERT_TRUE(ParseMediaKind(MediaKindName(kind), &parsed));
    EXPECT_EQ(parsed, kind);
  }
  EXPECT_EQ(MediaKindName(MediaKind::kVoice), "voice");
  MediaKind untouched = MediaKind::kVoice;
  for (const char* name : {"", "Image", "Video", "file ", "images", "hologram"}) {
    EXPECT_FALSE(ParseMediaKind(name, &untouched)) << name;
  }
  EXPECT_EQ(untouched, MediaKind::kVoice);
}

}  // namespace
}  // namespace parley::media
