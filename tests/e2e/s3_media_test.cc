// parleyd with its media in an S3 bucket (a real s3rver on loopback, tests/peers): an image
// uploaded through the API lands in the bucket, not in the media directory; downloads are
// proxied (whole, Range) or redirected to a presigned URL that serves the same bytes; the
// reader checks stay where they are (no URL for someone who may not read the media); a bucket
// that is not there stops the start with the reason; `parleyd media migrate` moves the blobs of
// a local server into the bucket, resumably, and the server then serves them from S3.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "media/s3_blob_store.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/parleyd_tool.h"
#include "tests/e2e/server_process.h"
#include "tests/media/media_samples.h"
#include "tests/media/s3_peer.h"

namespace parley::e2e {
namespace {

namespace fs = std::filesystem;
using client::HttpApi;
using media::testing::S3Peer;
using nlohmann::json;

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// A plain GET of `url` (a presigned URL): status, body and the Content-Type.
struct Fetched {
  long status = 0;
  std::string body;
  std::string type;
};
Fetched Fetch(const std::string& url) {
  Fetched fetched;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &fetched.body);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &fetched.status);
    char* type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) fetched.type = type;
  }
  curl_easy_cleanup(curl);
  return fetched;
}

std::string MediaPath(const json& media, std::string_view suffix = "") {
  return "/api/v1/media/" + media["id"].get<std::string>() + std::string(suffix);
}

int CountFiles(const fs::path& dir) {
  int files = 0;
  std::error_code error;
  for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    files += it->is_regular_file() ? 1 : 0;
  }
  return files;
}

constexpr const char* kSecret = "e2e-secret-9QzT4w";

class S3MediaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(peer_.Start().ok());
    secret_file_ = scratch_.path() + "/s3-secret";
    // s3rver checks the access key but not V4 signatures, so any secret is accepted: this one is
    // looked for in everything parleyd prints.
    std::ofstream(secret_file_) << kSecret << "\n";
  }

  std::vector<std::string> S3Args(const std::string& downloads = "proxy",
                                  const std::string& bucket = S3Peer::kBucket) const {
    return {"--media-store",        "s3",         "--s3-endpoint",   peer_.endpoint(),
            "--s3-bucket",          bucket,       "--s3-access-key", S3Peer::kAccessKey,
            "--s3-secret-key-file", secret_file_, "--s3-downloads",  downloads};
  }

  void StartServer(std::vector<std::string> args) {
    ServerProcess::Options options;
    options.extra_args = std::move(args);
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (const char* name : {"alice", "bob"}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      users_.push_back(std::move(created).value());
      apis_.push_back(ApiFor(*server_, &users_.back()));
    }
  }
  void ReconnectApis() {
    apis_.clear();
    for (TestUser& user : users_) apis_.push_back(ApiFor(*server_, &user));
  }

  json UploadPng() {
    auto uploaded =
        apis_[0]->Upload("photo.png", "image", media::testing::EncodeImage("png", 320, 240));
    EXPECT_TRUE(IsOk(uploaded)) << server_->output();
    return uploaded.ok() ? *uploaded : json();
  }

  testing_support::TempDir scratch_;
  S3Peer peer_;
  std::string secret_file_;
  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<HttpApi>> apis_;
};

TEST_F(S3MediaTest, UploadsLandInTheBucketAndDownloadsAreProxiedWithRanges) {
  StartServer(S3Args());
  json photo = UploadPng();
  ASSERT_FALSE(photo.is_null());
  // The image and its thumbnail went up; nothing stays in the media directory but the cache.
  EXPECT_EQ(peer_.CountRequests("PUT", "", 2u), 2u);
  EXPECT_EQ(CountFiles(fs::path(server_->data_dir()) / "media" / "blobs"), 0);

  auto whole = apis_[0]->Download(MediaPath(photo));
  ASSERT_TRUE(IsOk(whole));
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->headers["content-type"], "image/png");
  const std::string etag = whole->headers["etag"];
  ASSERT_EQ(etag.size(), 66u);  // the quoted digest
  EXPECT_EQ(media::testing::ReadFile(peer_.ObjectFile(media::S3KeyOf(etag.substr(1, 64)))),
            whole->raw_body);

  auto part = apis_[0]->Download(MediaPath(photo), {{"Range", "bytes=8-23"}});
  ASSERT_TRUE(IsOk(part));
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->raw_body, whole->raw_body.substr(8, 16));
  auto thumbnail = apis_[0]->Download(MediaPath(photo, "/thumbnail"));
  ASSERT_TRUE(IsOk(thumbnail));
  EXPECT_EQ(thumbnail->status, 200);
  // Bob was sent nothing: the media is not his to read.
  auto refused = apis_[1]->Download(MediaPath(photo));
  ASSERT_TRUE(IsOk(refused));
  EXPECT_EQ(refused->status, 404);
}

TEST_F(S3MediaTest, RedirectModeHandsOutPresignedUrlsOnlyToReaders) {
  StartServer(S3Args("redirect"));
  json photo = UploadPng();
  ASSERT_FALSE(photo.is_null());
  auto redirected = apis_[0]->Download(MediaPath(photo));
  ASSERT_TRUE(IsOk(redirected));
  EXPECT_EQ(redirected->status, 302);
  EXPECT_EQ(redirected->headers["cache-control"], "no-store");
  const std::string location = redirected->headers["location"];
  EXPECT_EQ(location.rfind(peer_.endpoint() + "/" + S3Peer::kBucket + "/blobs/", 0), 0u)
      << location;
  EXPECT_NE(location.find("X-Amz-Expires=300"), std::string::npos);
  const Fetched fetched = Fetch(location);
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.type, "image/png");
  EXPECT_EQ(fetched.body.substr(0, 8), "\x89PNG\r\n\x1a\n");

  auto refused = apis_[1]->Download(MediaPath(photo));
  ASSERT_TRUE(IsOk(refused));
  EXPECT_EQ(refused->status, 404);
  EXPECT_EQ(refused->headers.count("location"), 0u);
}

TEST_F(S3MediaTest, BackupsHoldTheDatabasesAndSayTheMediaStayInTheBucket) {
  StartServer(S3Args());
  ASSERT_FALSE(UploadPng().is_null());
  const std::string to = scratch_.path() + "/backup";
  std::vector<std::string> args = {"backup", "--to", to, "--data-dir", server_->data_dir()};
  const std::vector<std::string> s3 = S3Args();
  args.insert(args.end(), s3.begin(), s3.end());
  const ToolRun run = Parleyd(args);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("media were not copied: they stay in S3 bucket parley-media"),
            std::string::npos)
      << run.output;
  EXPECT_TRUE(fs::exists(fs::path(to) / "parley.db"));
  EXPECT_EQ(CountFiles(fs::path(to) / "media"), 0);
}

TEST_F(S3MediaTest, AServerWithoutItsBucketRefusesToStart) {
  const ToolRun run = Parleyd([&] {
    std::vector<std::string> args = S3Args("proxy", "no-such-bucket");
    args.insert(args.end(), {"--data-dir", scratch_.path() + "/data", "--listen", "127.0.0.1:0"});
    return args;
  }());
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("bucket missing"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(kSecret), std::string::npos);
}

TEST_F(S3MediaTest, MigrateMovesLocalMediaToTheBucketResumably) {
  StartServer({});
  json photo = UploadPng();
  ASSERT_FALSE(photo.is_null());
  auto local = apis_[0]->Download(MediaPath(photo));
  ASSERT_TRUE(IsOk(local));
  ASSERT_EQ(server_->Stop(), 0);

  std::vector<std::string> migrate = {"media", "migrate",    "--to",
                                      "s3",    "--data-dir", server_->data_dir()};
  std::vector<std::string> s3 = S3Args();
  s3.erase(s3.begin(), s3.begin() + 2);  // media-store stays local while migrating
  migrate.insert(migrate.end(), s3.begin(), s3.end());
  const ToolRun first = Parleyd(migrate);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("2 blobs, 2 copied, 0 already there"), std::string::npos)
      << first.output;
  const ToolRun again = Parleyd(migrate);  // resumable: what is there is not sent again
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("2 blobs, 0 copied, 2 already there"), std::string::npos)
      << again.output;

  // The local copies go; the server now on S3 serves the same bytes.
  fs::remove_all(fs::path(server_->data_dir()) / "media" / "blobs");
  ASSERT_TRUE(server_->Restart(S3Args()).ok()) << server_->output();
  ReconnectApis();
  auto served = apis_[0]->Download(MediaPath(photo));
  ASSERT_TRUE(IsOk(served));
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->raw_body, local->raw_body);
  EXPECT_EQ(peer_.CountRequests("PUT", "", 2u), 2u);  // the second migrate sent nothing
  EXPECT_EQ(first.output.find(kSecret), std::string::npos);
  EXPECT_EQ(server_->output().find(kSecret), std::string::npos);

  const ToolRun bad = Parleyd({"media", "migrate", "--to", "mars"});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace parley::e2e
