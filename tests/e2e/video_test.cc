// End-to-end tests of video messages (docs/protocol.md, "Media") against a real parleyd, with
// videos the ffmpeg command makes in the test (tests/media/video_samples.h):
// - an MP4 with a location becomes a video media with duration, size, poster and preview; the
//   stored bytes have no location; it is sent in a message and played with Range requests;
// - a WebM named .mp4 and declared as a video stays WebM (the bytes decide);
// - hostile uploads are refused with their code and the upload is discarded;
// - the server's own limits (video-max-duration-s, video-max-bytes) apply;
// - a moment carries one video; the CLI sends one with `parley send USER --video FILE`.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/moments_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/media/media_samples.h"
#include "tests/media/video_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

using client::HttpApi;
using media::testing::ReadFile;
using nlohmann::json;

std::string MediaPath(const json& media, std::string_view suffix = "") {
  return "/api/v1/media/" + media["id"].get<std::string>() + std::string(suffix);
}

class VideoE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }

  void StartServer(std::vector<std::string> extra_args) {
    apis_.clear();
    users_.clear();
    server_.reset();
    ServerProcess::Options options;
    options.extra_args = std::move(extra_args);
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (const char* name : {"alice", "bob", "carol"}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      users_.push_back(std::move(created).value());
      apis_.push_back(ApiFor(*server_, &users_.back()));
    }
  }

  HttpApi& api(int i) { return *apis_[i]; }
  int64_t id(int i) const { return users_[i].id; }
  std::string dir() const { return dir_.path(); }

  json UploadOk(std::string_view name, const std::string& bytes) {
    auto media = api(0).Upload(name, "video", bytes);
    EXPECT_TRUE(IsOk(media)) << server_->output();
    return media.ok() ? *media : json();
  }
  // The code a whole upload of `bytes` as a video ends with.
  Code UploadCode(std::string_view name, const std::string& bytes) {
    auto media = api(0).Upload(name, "video", bytes);
    return media.ok() ? Code::kOk : media.status().code();
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<HttpApi>> apis_;
};

TEST_F(VideoE2eTest, AVideoIsStrippedSentAndPlayedWithRanges) {
  const std::string original = ReadFile(media::testing::MovWithLocation(dir(), "trip.mov"));
  ASSERT_NE(original.find(media::testing::kSampleLocation), std::string::npos);
  json video = UploadOk("trip.mov", original);
  EXPECT_EQ(video["kind"], "video");
  EXPECT_EQ(video["mime"], "video/mp4");
  EXPECT_EQ(video["width"], 320);
  EXPECT_EQ(video["height"], 240);
  EXPECT_NEAR(video["duration_ms"].get<double>(), 1000, 100);
  EXPECT_EQ(video["preview"].get<std::string>().rfind("data:image/webp;base64,", 0), 0u);
  EXPECT_EQ(video["poster"], MediaPath(video, "/thumbnail"));
  EXPECT_EQ(video["thumbnail_url"], MediaPath(video, "/thumbnail"));

  auto alice_ws = ConnectUser(*server_, users_[0]);
  auto bob_ws = ConnectUser(*server_, users_[1]);
  ASSERT_TRUE(IsOk(alice_ws) && IsOk(bob_ws));
  ASSERT_TRUE(IsOk((*alice_ws)->SendFields(json{{"to", id(1)}, {"media", video["id"]}})));
  auto live = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(live));
  const json& descriptor = (*live)["media"];
  EXPECT_EQ(descriptor["kind"], "video");
  EXPECT_EQ(descriptor["duration_ms"], video["duration_ms"]);
  EXPECT_EQ(descriptor["width"], 320);
  EXPECT_EQ(descriptor["poster"], video["poster"]);

  // Bob plays it: the whole file, then the ranges a player asks for.
  auto whole = api(1).Download(MediaPath(video));
  ASSERT_TRUE(IsOk(whole));
  ASSERT_EQ(whole->status, 200);
  EXPECT_EQ(whole->headers["content-type"], "video/mp4");
  EXPECT_EQ(whole->headers["content-disposition"], "inline");
  EXPECT_EQ(whole->headers["accept-ranges"], "bytes");
  const std::string bytes = whole->raw_body;
  const int64_t size = video["size"];
  ASSERT_EQ(static_cast<int64_t>(bytes.size()), size);
  EXPECT_EQ(bytes.find("48.8577"), std::string::npos);
  EXPECT_EQ(bytes.find(media::testing::kSampleTitle), std::string::npos);
  auto first = api(1).Download(MediaPath(video), {{"Range", "bytes=0-"}});
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->status, 206);
  EXPECT_EQ(first->headers["content-range"],
            "bytes 0-" + std::to_string(size - 1) + "/" + std::to_string(size));
  auto middle = api(1).Download(MediaPath(video), {{"Range", "bytes=1000-4999"}});
  ASSERT_TRUE(IsOk(middle));
  EXPECT_EQ(middle->status, 206);
  EXPECT_EQ(middle->raw_body, bytes.substr(1000, 4000));
  auto past = api(1).Download(MediaPath(video), {{"Range", "bytes=" + std::to_string(size) + "-"}});
  ASSERT_TRUE(IsOk(past));
  EXPECT_EQ(past->status, 416);

  auto poster = api(1).Download(MediaPath(video, "/thumbnail"));
  ASSERT_TRUE(IsOk(poster));
  EXPECT_EQ(poster->status, 200);
  EXPECT_EQ(poster->headers["content-type"], "image/webp");
  const media::testing::ImageFacts facts = media::testing::InspectImageBytes(poster->raw_body);
  EXPECT_EQ(facts.width, 320);
  EXPECT_EQ(facts.page_height, 240);
  // Carol is in no conversation with it.
  auto stranger = api(2).Download(MediaPath(video));
  ASSERT_TRUE(IsOk(stranger));
  EXPECT_EQ(stranger->status, 404);
}

TEST_F(VideoE2eTest, TheBytesDecideTheContainer) {
  json video =
      UploadOk("clip.mp4", ReadFile(media::testing::WebmVp8Opus(dir(), "c.webm", 160, 120, 1)));
  EXPECT_EQ(video["mime"], "video/webm");
  EXPECT_EQ(video["name"], "clip.mp4");
  auto served = api(0).Download(MediaPath(video));
  ASSERT_TRUE(IsOk(served));
  EXPECT_EQ(served->headers["content-type"], "video/webm");
}

TEST_F(VideoE2eTest, HostileVideosAreRefusedAndDiscarded) {
  const std::string mp4 = ReadFile(media::testing::Mp4H264Aac(dir(), "good.mp4", 320, 240, 1));
  const std::string huge_path = media::testing::Mp4H264Aac(dir(), "huge.mp4", 320, 240, 1);
  media::testing::DeclareSize(huge_path, 20000, 20000);
  const std::string mpeg4 = ReadFile(media::testing::MakeVideo(
      dir(), "old.mp4", "-f lavfi -i testsrc=s=160x120:r=10:d=1 -c:v mpeg4 -f mp4"));
  struct Case {
    const char* what;
    std::string bytes;
    Code code;
  };
  const std::vector<Case> cases = {
      {"a PNG named .mp4", media::testing::EncodeImage("png", 64, 64), Code::kUnsupportedMedia},
      {"a truncated MP4", mp4.substr(0, mp4.size() / 2), Code::kInvalidArgument},
      {"huge dimensions declared", ReadFile(huge_path), Code::kTooLarge},
      {"MPEG-4 part 2", mpeg4, Code::kUnsupportedMedia},
      {"text", "not a video at all", Code::kUnsupportedMedia},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto created = api(0).CreateUpload("x.mp4", static_cast<int64_t>(c.bytes.size()), "video");
    ASSERT_TRUE(IsOk(created));
    const std::string upload = (*created)["upload_id"];
    ASSERT_TRUE(
        IsOk(api(0).PutUploadChunk(upload, 0, static_cast<int64_t>(c.bytes.size()), c.bytes)));
    auto completed = api(0).CompleteUpload(upload);
    ASSERT_FALSE(completed.ok());
    EXPECT_EQ(completed.status().code(), c.code) << completed.status().message();
    EXPECT_EQ(api(0).UploadStatus(upload).status().code(), Code::kNotFound);
  }
}

TEST_F(VideoE2eTest, TheServersLimitsApply) {
  StartServer({"--video-max-duration-s", "1", "--video-max-bytes", "200000"});
  const std::string longer = ReadFile(media::testing::WebmVp8Opus(dir(), "long.webm", 160, 120, 3));
  EXPECT_EQ(UploadCode("long.webm", longer), Code::kTooLarge);
  const std::string streamed = ReadFile(media::testing::StreamedWebm(dir(), "rec.webm", 3));
  EXPECT_EQ(UploadCode("rec.webm", streamed), Code::kTooLarge);
  // Over video-max-bytes: refused when the upload is created, before any byte is sent.
  auto big = api(0).CreateUpload("big.mp4", 200001, "video");
  EXPECT_EQ(big.status().code(), Code::kTooLarge);
  auto file = api(0).CreateUpload("big.bin", 200001, "file");
  EXPECT_TRUE(IsOk(file));
  const std::string shorter =
      ReadFile(media::testing::WebmVp8Opus(dir(), "short.webm", 160, 120, 0.5));
  EXPECT_EQ(UploadCode("short.webm", shorter), Code::kOk);
}

// Runs the CLI as `profile` (its own config directory) against `server`; output and exit code.
std::pair<int, std::string> Parley(const ServerProcess& server, const std::string& home,
                                   const std::vector<std::string>& args) {
  std::string command = "PARLEY_CONFIG_DIR='" + home + "' PARLEY_PASSWORD='" +
                        std::string(kTestPassword) + "' '" PARLEY_CLI_PATH "' --server '" +
                        server.url() + "'";
  for (const std::string& arg : args) command += " '" + arg + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string output;
  std::array<char, 4096> buffer;
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(VideoE2eTest, TheCliSendsAVideo) {
  const std::string clip = media::testing::WebmVp8Opus(dir(), "clip.webm", 160, 120, 1);
  const std::string home = dir() + "/alice-home";
  auto login = Parley(*server_, home, {"login", "alice"});
  ASSERT_EQ(login.first, 0) << login.second;
  auto sent = Parley(*server_, home, {"send", "bob", "look", "--video", clip});
  ASSERT_EQ(sent.first, 0) << sent.second;
  auto conversations = api(1).Conversations();
  ASSERT_TRUE(IsOk(conversations));
  ASSERT_EQ(conversations->size(), 1u);
  const int64_t conversation = (*conversations)[0]["id"];
  auto page = api(1).History(conversation);
  ASSERT_TRUE(IsOk(page));
  const json& message = (*page)["messages"][0];
  EXPECT_EQ(message["text"], "look");
  EXPECT_EQ(message["media"]["kind"], "video");
  EXPECT_EQ(message["media"]["mime"], "video/webm");
  // An .mp4 goes as a video without --video: the kind comes from the extension.
  const std::string mp4 = media::testing::Mp4H264Aac(dir(), "clip.mp4", 160, 120, 1);
  auto uploaded = Parley(*server_, home, {"upload", mp4});
  ASSERT_EQ(uploaded.first, 0) << uploaded.second;
  EXPECT_NE(uploaded.second.find(" video video/mp4 "), std::string::npos) << uploaded.second;
  EXPECT_NE(uploaded.second.find(" 160x120"), std::string::npos) << uploaded.second;
}

TEST_F(MomentsTest, AMomentCarriesOneVideo) {
  testing_support::TempDir dir;
  Befriend(kAlice, kBob);
  auto video = api(kAlice).Upload(
      "v.webm", "video", ReadFile(media::testing::WebmVp8Opus(dir.path(), "v.webm", 160, 120, 1)));
  ASSERT_TRUE(IsOk(video)) << server_->output();
  const std::string video_id = (*video)["id"];
  const int64_t moment = PostOk(kAlice, {{"text", "look"}, {"media", {video_id}}});
  auto seen = api(kBob).Moment(moment);
  ASSERT_TRUE(IsOk(seen));
  ASSERT_EQ((*seen)["media"].size(), 1u);
  EXPECT_EQ((*seen)["media"][0]["kind"], "video");
  EXPECT_GT((*seen)["media"][0]["duration_ms"].get<int64_t>(), 0);
  auto played = api(kBob).Download("/api/v1/media/" + video_id, {{"Range", "bytes=0-99"}});
  ASSERT_TRUE(IsOk(played));
  EXPECT_EQ(played->status, 206);
  // A video with an image, or two videos, is not a moment.
  const std::string image = UploadImage(kAlice);
  auto mixed = api(kAlice).PostMoment({{"media", {video_id, image}}});
  EXPECT_EQ(CodeOf(mixed), Code::kUnsupportedMedia);
}

}  // namespace
}  // namespace parley::e2e
