// ProcessImage on real files: every supported format re-encoded in the same format, EXIF (with
// GPS) stripped after its orientation is applied, thumbnails and previews, and the refusals:
// decompression bombs, truncated files, non-images. Nothing is left behind on failure.
#include "media/image.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "media/media_type.h"
#include "tests/media/media_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::EncodeImage;
using testing::Exists;
using testing::InspectImage;
using testing::InspectImageBytes;
using testing::ListDirectory;
using testing::ReadFile;
using testing::WriteFile;

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitImageProcessing().ok()); }

  std::string Input(const std::string& bytes) {
    const std::string path = dir_.path() + "/upload";
    WriteFile(path, bytes);
    return path;
  }
  Result<ProcessedImage> Process(const std::string& bytes, const ImageLimits& limits = {}) {
    return ProcessImage(Input(bytes), output(), thumbnail(), limits);
  }
  std::string output() const { return dir_.path() + "/image"; }
  std::string thumbnail() const { return dir_.path() + "/thumbnail"; }
  // After a refusal only the input may remain: no output, no staged temporary file.
  void ExpectNothingWritten() {
    EXPECT_EQ(ListDirectory(dir_.path()), std::vector<std::string>{"upload"});
  }

  parley::testing_support::TempDir dir_;
};

struct FormatCase {
  const char* format;
  const char* mime;
  const char* loader;
};

TEST_F(ImageTest, EveryFormatIsReencodedInItsOwnFormatWithAThumbnail) {
  for (const FormatCase& c :
       {FormatCase{"jpeg", "image/jpeg", "jpegload"}, FormatCase{"png", "image/png", "pngload"},
        FormatCase{"webp", "image/webp", "webpload"}, FormatCase{"gif", "image/gif", "gifload"}}) {
    SCOPED_TRACE(c.format);
    Result<ProcessedImage> image = Process(EncodeImage(c.format, 800, 400));
    ASSERT_TRUE(image.ok()) << image.status().message();
    EXPECT_EQ(image->mime, c.mime);
    EXPECT_EQ(image->width, 800);
    EXPECT_EQ(image->height, 400);
    EXPECT_EQ(SniffMime(output()), c.mime);
    EXPECT_TRUE(InspectImage(output()).loader.starts_with(c.loader));

    EXPECT_EQ(image->thumbnail_mime, "image/webp");
    EXPECT_EQ(SniffMime(thumbnail()), "image/webp");
    const testing::ImageFacts thumb = InspectImage(thumbnail());
    EXPECT_EQ(thumb.width, 320);
    EXPECT_EQ(thumb.page_height, 160);
    EXPECT_EQ(ListDirectory(dir_.path()),
              (std::vector<std::string>{"image", "thumbnail", "upload"}));
  }
}

TEST_F(ImageTest, ExifAndGpsAreStrippedAfterTheOrientationIsApplied) {
  const std::string with_exif = testing::JpegWithExif(64, 32);
  // The hand-made EXIF is real: libvips reads its orientation and GPS position.
  const testing::ImageFacts before = InspectImageBytes(with_exif);
  ASSERT_TRUE(before.ok);
  ASSERT_EQ(before.orientation, 6);
  ASSERT_TRUE(before.has_gps);
  ASSERT_NE(with_exif.find(testing::kExifCameraMake), std::string::npos);

  Result<ProcessedImage> image = Process(with_exif);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->width, 32);  // turned upright: the sides are swapped
  EXPECT_EQ(image->height, 64);
  const std::string stored = ReadFile(output());
  EXPECT_EQ(stored.find("Exif"), std::string::npos);
  EXPECT_EQ(stored.find(testing::kExifCameraMake), std::string::npos);
  const testing::ImageFacts after = InspectImage(output());
  EXPECT_EQ(after.width, 32);
  EXPECT_EQ(after.page_height, 64);
  EXPECT_FALSE(after.has_exif);
  EXPECT_FALSE(after.has_gps);
  EXPECT_EQ(after.orientation, 1);
  const testing::ImageFacts thumb = InspectImage(thumbnail());
  EXPECT_EQ(thumb.width, 32);  // small images are not enlarged
  EXPECT_EQ(thumb.page_height, 64);
  EXPECT_EQ(ReadFile(thumbnail()).find("Exif"), std::string::npos);
}

TEST_F(ImageTest, EmbeddedExifIsStrippedFromEveryFormatAndEveryOutput) {
  for (const char* format : {"jpeg", "png", "webp"}) {
    SCOPED_TRACE(format);
    const std::string input = EncodeImage(format, 120, 80, 1, /*with_exif=*/true);
    ASSERT_TRUE(InspectImageBytes(input).has_gps);
    ASSERT_NE(input.find(testing::kExifCameraMake), std::string::npos);
    Result<ProcessedImage> image = Process(input);
    ASSERT_TRUE(image.ok()) << image.status().message();
    for (const std::string& bytes : {ReadFile(output()), ReadFile(thumbnail())}) {
      EXPECT_EQ(bytes.find("Exif"), std::string::npos);
      EXPECT_EQ(bytes.find("EXIF"), std::string::npos);
      EXPECT_EQ(bytes.find(testing::kExifCameraMake), std::string::npos);
      EXPECT_FALSE(InspectImageBytes(bytes).has_exif);
    }
    EXPECT_EQ(image->preview.find("RXhpZ"), std::string::npos);  // "Exif" in base64
  }
}

TEST_F(ImageTest, AnimationsKeepTheirFrames) {
  for (const char* format : {"gif", "webp"}) {
    SCOPED_TRACE(format);
    Result<ProcessedImage> image = Process(EncodeImage(format, 40, 30, /*pages=*/3));
    ASSERT_TRUE(image.ok()) << image.status().message();
    EXPECT_EQ(image->width, 40);
    EXPECT_EQ(image->height, 30);  // one frame's
    const testing::ImageFacts out = InspectImage(output());
    EXPECT_EQ(out.pages, 3);
    EXPECT_EQ(out.page_height, 30);
    EXPECT_EQ(InspectImage(thumbnail()).pages, 1);
  }
}

TEST_F(ImageTest, PreviewIsATinyWebpDataUrl) {
  Result<ProcessedImage> image = Process(EncodeImage("jpeg", 1200, 900));
  ASSERT_TRUE(image.ok()) << image.status().message();
  const std::string prefix = "data:image/webp;base64,";
  ASSERT_TRUE(image->preview.starts_with(prefix)) << image->preview.substr(0, 40);
  EXPECT_LT(image->preview.size(), 1200u);
  const std::string base64 = image->preview.substr(prefix.size());
  std::string webp(base64.size(), '\0');
  size_t length = 0;
  ASSERT_EQ(
      sodium_base642bin(reinterpret_cast<unsigned char*>(webp.data()), webp.size(), base64.data(),
                        base64.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL),
      0);
  webp.resize(length);
  const testing::ImageFacts preview = InspectImageBytes(webp);
  ASSERT_TRUE(preview.ok);
  EXPECT_EQ(preview.width, 24);
  EXPECT_EQ(preview.page_height, 18);
}

TEST_F(ImageTest, ThumbnailSideFollowsTheLimits) {
  Result<ProcessedImage> image =
      Process(EncodeImage("png", 300, 600), ImageLimits{.thumbnail_side = 100});
  ASSERT_TRUE(image.ok()) << image.status().message();
  const testing::ImageFacts thumb = InspectImage(thumbnail());
  EXPECT_EQ(thumb.width, 50);
  EXPECT_EQ(thumb.page_height, 100);
}

TEST_F(ImageTest, DecompressionBombsAreRefusedFromTheHeader) {
  // 100 megapixels announced by a 57-byte PNG: refused before any pixel is decoded (decoding
  // would fail as truncated, kInvalidArgument, instead).
  const std::string bomb = testing::PngHeaderClaiming(10000, 10000);
  ASSERT_LT(bomb.size(), 100u);
  Result<ProcessedImage> image = Process(bomb);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), Code::kTooLarge) << image.status().message();
  ExpectNothingWritten();
}

TEST_F(ImageTest, JpegAnnouncingHugeDimensionsIsTooLarge) {
  std::string jpeg = EncodeImage("jpeg", 16, 16);
  const size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  // SOF0: marker, length (2), precision (1), height (2), width (2).
  jpeg[sof + 5] = '\x4E';  // 20000
  jpeg[sof + 6] = '\x20';
  jpeg[sof + 7] = '\x4E';
  jpeg[sof + 8] = '\x20';
  Result<ProcessedImage> image = Process(jpeg);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), Code::kTooLarge) << image.status().message();
  ExpectNothingWritten();
}

TEST_F(ImageTest, PixelLimitsApplyPerFrameAndToWholeAnimations) {
  Result<ProcessedImage> frame =
      Process(EncodeImage("png", 100, 100), ImageLimits{.max_pixels = 9999});
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), Code::kTooLarge);
  ExpectNothingWritten();

  const std::string gif = EncodeImage("gif", 20, 20, /*pages=*/3);
  EXPECT_TRUE(Process(gif, ImageLimits{.max_pixels = 400, .max_animation_pixels = 1200}).ok());
  std::filesystem::remove(output());
  std::filesystem::remove(thumbnail());
  Result<ProcessedImage> animation =
      Process(gif, ImageLimits{.max_pixels = 400, .max_animation_pixels = 1199});
  ASSERT_FALSE(animation.ok());
  EXPECT_EQ(animation.status().code(), Code::kTooLarge);
  ExpectNothingWritten();
}

TEST_F(ImageTest, WebpAndGifFramesHaveTheirOwnLimit) {
  const ImageLimits limits{.max_buffered_frame_pixels = 9999};
  for (const char* format : {"webp", "gif"}) {
    SCOPED_TRACE(format);
    Result<ProcessedImage> image = Process(EncodeImage(format, 100, 100), limits);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), Code::kTooLarge);
    ExpectNothingWritten();
  }
  // JPEG and PNG stream their pixels: the limit is not theirs.
  EXPECT_TRUE(Process(EncodeImage("png", 100, 100), limits).ok());
}

TEST_F(ImageTest, TruncatedImagesAreInvalid) {
  for (const char* format : {"jpeg", "png", "webp", "gif"}) {
    SCOPED_TRACE(format);
    const std::string whole = EncodeImage(format, 200, 150);
    Result<ProcessedImage> image = Process(whole.substr(0, whole.size() / 2));
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), Code::kInvalidArgument) << image.status().message();
    EXPECT_EQ(image.status().message().find(dir_.path()), std::string::npos)
        << "server paths leak into " << image.status().message();
    ExpectNothingWritten();
  }
}

TEST_F(ImageTest, OtherBytesAreUnsupportedWhateverTheClientClaims) {
  for (const std::string& bytes :
       {std::string("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"),
        std::string("just some text, named photo.jpg\n"), std::string(),
        std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")}) {
    Result<ProcessedImage> image = Process(bytes);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), Code::kUnsupportedMedia) << image.status().message();
    ExpectNothingWritten();
  }
}

TEST_F(ImageTest, ExistingOutputsAreReplaced) {
  WriteFile(output(), "old image");
  WriteFile(thumbnail(), "old thumbnail");
  ASSERT_TRUE(Process(EncodeImage("png", 50, 40)).ok());
  EXPECT_EQ(SniffMime(output()), "image/png");
  EXPECT_EQ(SniffMime(thumbnail()), "image/webp");
}

TEST_F(ImageTest, MissingOutputDirectoryIsAnInternalErrorAndWritesNothing) {
  const std::string input = Input(EncodeImage("png", 50, 40));
  Result<ProcessedImage> image =
      ProcessImage(input, dir_.path() + "/no/such/image", thumbnail(), ImageLimits{});
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), Code::kInternal);
  ExpectNothingWritten();
}

}  // namespace
}  // namespace parley::media
