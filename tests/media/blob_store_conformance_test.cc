// The blob store conformance suite: the same contract (media/blob_store.h) checked on every
// backend, the local directory and an S3 bucket served by a real S3 server (s3rver, tests/peers)
// on loopback. Then what is particular to S3: what lands in the bucket (keys, bytes, multipart
// parts), the download cache and its bound, presigned URLs, and the errors of a bucket that is
// missing, refuses the credentials, cannot be reached, stalls, or answers garbage.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "media/blob_store.h"
#include "media/s3_blob_store.h"
#include "tests/media/hostile_http.h"
#include "tests/media/media_samples.h"
#include "tests/media/s3_peer.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::ReadFile;
using testing::S3Peer;
using testing::WriteFile;

// SHA-256("hello"), a published test vector.
constexpr const char* kHelloDigest =
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
constexpr int64_t kPartBytes = 64 * 1024;  // small parts, so a test blob is sent in several

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

enum class Backend { kLocal, kS3 };

class BlobStoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kLocal) {
      auto store = OpenLocalBlobStore(media_dir());
      ASSERT_TRUE(store.ok()) << store.status().message();
      store_ = std::move(*store);
      return;
    }
    std::filesystem::create_directories(media_dir() + "/tmp");
    ASSERT_TRUE(peer_.Start().ok());
    S3Options options = peer_.Options(media_dir() + "/cache");
    options.part_bytes = kPartBytes;
    auto store = OpenS3BlobStore(options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }

  std::string media_dir() const { return dir_.path() + "/media"; }
  // A file where uploads in progress are written.
  std::string Staged(const std::string& name, const std::string& bytes) {
    const std::string path = media_dir() + "/tmp/" + name;
    WriteFile(path, bytes);
    return path;
  }

  testing_support::TempDir dir_;
  S3Peer peer_;
  std::unique_ptr<BlobStore> store_;
};

TEST_P(BlobStoreConformance, PutNamesTheBlobByItsSha256AndTakesTheFile) {
  const std::string staged = Staged("upload-1", "hello");
  Result<std::string> digest = store_->Put(staged);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, kHelloDigest);
  EXPECT_FALSE(testing::Exists(staged));
  Result<std::string> path = store_->PathOf(kHelloDigest);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(ReadFile(*path), "hello");
  Result<int64_t> size = store_->SizeOf(kHelloDigest);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 5);
}

TEST_P(BlobStoreConformance, SameBytesAreStoredOnce) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  const std::string second = Staged("b", "hello");
  Result<std::string> digest = store_->Put(second);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, kHelloDigest);
  EXPECT_FALSE(testing::Exists(second));
  Result<std::vector<std::string>> all = store_->ListOlderThan(NowMs() + 60'000);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(*all, std::vector<std::string>{kHelloDigest});
  EXPECT_TRUE(testing::ListDirectory(media_dir() + "/tmp").empty());
}

TEST_P(BlobStoreConformance, LargeBlobsRoundTrip) {
  const std::string bytes = RandomBytes(5 * kPartBytes + 123, 1);
  Result<std::string> digest = store_->Put(Staged("large", bytes));
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  Result<int64_t> size = store_->SizeOf(*digest);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, static_cast<int64_t>(bytes.size()));
  Result<std::string> path = store_->PathOf(*digest);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(ReadFile(*path), bytes);
}

TEST_P(BlobStoreConformance, ConcurrentPutsOfTheSameBytesAgree) {
  const std::string bytes(100'000, 'x');
  std::vector<std::thread> threads;
  std::vector<std::string> digests(4);
  for (size_t i = 0; i < digests.size(); ++i) {
    const std::string staged = Staged("upload-" + std::to_string(i), bytes);
    threads.emplace_back([&, i, staged] {
      Result<std::string> digest = store_->Put(staged);
      digests[i] = digest.ok() ? *digest : digest.status().message();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& digest : digests) EXPECT_EQ(digest, digests[0]);
  Result<std::string> path = store_->PathOf(digests[0]);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(ReadFile(*path), bytes);
  EXPECT_TRUE(testing::ListDirectory(media_dir() + "/tmp").empty());
}

TEST_P(BlobStoreConformance, ListOlderThanSeesOnlyOlderBlobs) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  Result<std::vector<std::string>> none = store_->ListOlderThan(NowMs() - 3'600'000);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  Result<std::vector<std::string>> all = store_->ListOlderThan(NowMs() + 60'000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, std::vector<std::string>{kHelloDigest});
}

TEST_P(BlobStoreConformance, RemoveIsIdempotent) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  ASSERT_TRUE(store_->PathOf(kHelloDigest).ok());
  EXPECT_TRUE(store_->Remove(kHelloDigest).ok());
  EXPECT_EQ(store_->PathOf(kHelloDigest).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->SizeOf(kHelloDigest).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->Remove(kHelloDigest).ok());
  Result<std::vector<std::string>> all = store_->ListOlderThan(NowMs() + 60'000);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_P(BlobStoreConformance, DigestsThatAreNotDigestsAreRefused) {
  WriteFile(dir_.path() + "/secret", "secret");
  const std::string upper = "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824";
  for (const std::string& digest :
       {std::string(), std::string("../../secret"), std::string(kHelloDigest).substr(1), upper,
        std::string(kHelloDigest) + "0", std::string("2c/../../../secret") + std::string(46, 'a'),
        std::string(63, 'a') + "/", std::string(63, 'a') + std::string(1, '\0'),
        std::string(63, 'a') + "?", std::string(64, 'g')}) {
    SCOPED_TRACE(digest);
    EXPECT_EQ(store_->PathOf(digest).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(store_->SizeOf(digest).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(store_->Remove(digest).code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(testing::Exists(dir_.path() + "/secret"));
}

TEST_P(BlobStoreConformance, MissingFilesAndBlobs) {
  EXPECT_EQ(store_->Put(media_dir() + "/tmp/never-written").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->PathOf(std::string(64, 'a')).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->SizeOf(std::string(64, 'a')).status().code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, BlobStoreConformance,
                         ::testing::Values(Backend::kLocal, Backend::kS3),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kLocal ? "Local" : "S3";
                         });

// --- S3 only ---

class S3BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() + "/tmp");
    ASSERT_TRUE(peer_.Start().ok());
  }
  S3Options Options() const {
    S3Options options = peer_.Options(dir_.path() + "/cache");
    options.part_bytes = kPartBytes;
    return options;
  }
  std::unique_ptr<BlobStore> Open(const S3Options& options) {
    auto store = OpenS3BlobStore(options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::string Staged(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.path() + "/tmp/" + name;
    WriteFile(path, bytes);
    return path;
  }

  testing_support::TempDir dir_;
  S3Peer peer_;
};

TEST_F(S3BlobStoreTest, BlobsLandInTheBucketUnderTheirDigest) {
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(Staged("a", "hello")).ok());
  EXPECT_EQ(S3KeyOf(kHelloDigest), std::string("blobs/2c/") + kHelloDigest);
  EXPECT_EQ(ReadFile(peer_.ObjectFile(S3KeyOf(kHelloDigest))), "hello");
  // One PUT, with the MD5 the store checks; the second Put of the same bytes sends nothing.
  ASSERT_TRUE(store->Put(Staged("b", "hello")).ok());
  // A third HEAD after both Puts: once its line is in, any PUT of theirs would be too.
  ASSERT_TRUE(store->SizeOf(kHelloDigest).ok());
  EXPECT_EQ(peer_.CountRequests("HEAD", "", 3u), 3u);
  EXPECT_EQ(peer_.CountRequests("PUT", "", 1u), 1u);
}

TEST_F(S3BlobStoreTest, LargeBlobsGoUpInParts) {
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  const std::string bytes = RandomBytes(3 * kPartBytes + 10, 2);
  Result<std::string> digest = store->Put(Staged("large", bytes));
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(peer_.CountRequests("POST", "uploads", 1u), 1u);    // started
  EXPECT_EQ(peer_.CountRequests("PUT", "partNumber", 4u), 4u);  // 3 whole parts and the rest
  EXPECT_EQ(peer_.CountRequests("POST", "uploadId", 1u), 1u);   // completed
  EXPECT_EQ(ReadFile(peer_.ObjectFile(S3KeyOf(*digest))), bytes);
}

TEST_F(S3BlobStoreTest, AnObjectChangedInTheBucketIsNotServed) {
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(Staged("a", "hello")).ok());
  WriteFile(peer_.ObjectFile(S3KeyOf(kHelloDigest)), "HELLO");  // same size, other bytes
  Result<std::string> path = store->PathOf(kHelloDigest);
  EXPECT_EQ(path.status().code(), Code::kInternal);
  EXPECT_TRUE(testing::ListDirectory(dir_.path() + "/cache").empty());
}

TEST_F(S3BlobStoreTest, TheDownloadCacheIsBounded) {
  S3Options options = Options();
  options.cache_bytes = 250'000;
  options.cache_fresh_ms = 0;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> digests;
  for (unsigned i = 0; i < 4; ++i) {
    Result<std::string> digest =
        store->Put(Staged("b" + std::to_string(i), RandomBytes(100'000, i)));
    ASSERT_TRUE(digest.ok());
    digests.push_back(*digest);
  }
  for (const std::string& digest : digests) {
    Result<std::string> path = store->PathOf(digest);
    ASSERT_TRUE(path.ok()) << path.status().message();
    EXPECT_EQ(std::filesystem::file_size(*path), 100'000u);
  }
  // At most two copies fit in 250,000 bytes; the newest is kept.
  const std::vector<std::string> cached = testing::ListDirectory(dir_.path() + "/cache");
  EXPECT_LE(cached.size(), 2u);
  EXPECT_NE(std::find(cached.begin(), cached.end(), digests.back()), cached.end());
}

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

TEST_F(S3BlobStoreTest, PresignedUrlsServeTheBlobWithTheTypeAsked) {
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(Staged("a", "hello")).ok());
  Result<std::string> url = store->DownloadUrl(kHelloDigest, "image/png", "inline");
  ASSERT_TRUE(url.ok());
  EXPECT_NE(url->find("X-Amz-Signature="), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Expires=300"), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Credential=S3RVER%2F"), std::string::npos);
  CURL* curl = curl_easy_init();
  std::string body;
  std::string headers;
  curl_easy_setopt(curl, CURLOPT_URL, url->c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "hello");
  EXPECT_NE(headers.find("image/png"), std::string::npos) << headers;
  EXPECT_EQ(store->DownloadUrl("../x", "image/png", "inline").status().code(),
            Code::kInvalidArgument);
}

TEST_F(S3BlobStoreTest, OpeningChecksTheBucket) {
  S3Options wrong_key = Options();
  wrong_key.credentials.access_key = "NOT-A-KEY";
  auto refused = OpenS3BlobStore(wrong_key);
  EXPECT_EQ(refused.status().code(), Code::kUnauthenticated) << refused.status().message();

  S3Options missing = Options();
  missing.bucket = "no-such-bucket";
  auto absent = OpenS3BlobStore(missing);
  EXPECT_EQ(absent.status().code(), Code::kNotFound);
  EXPECT_NE(absent.status().message().find("bucket missing"), std::string::npos);

  S3Options closed = Options();
  closed.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  auto unreachable = OpenS3BlobStore(closed);
  EXPECT_EQ(unreachable.status().code(), Code::kUnavailable);
  EXPECT_NE(unreachable.status().message().find("unreachable"), std::string::npos);
}

// Endpoints that are not S3: each gives a typed error, bounded in time and memory.
TEST(S3HostileEndpoint, StallsTruncationsAndGarbageAreErrors) {
  testing_support::TempDir dir;
  struct Case {
    const char* name;
    std::string reply;
    bool stall;
    Code code;
  };
  const std::string endless(S3Client::kMaxBody + 1024, 'x');
  const Case cases[] = {
      {"stalls", "", true, Code::kUnavailable},
      {"stalls mid-answer", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<ListBucket", true,
       Code::kUnavailable},
      {"truncated", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<ListBucketResult>", false,
       Code::kUnavailable},
      {"not a listing", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false,
       Code::kInternal},
      {"not HTTP", "SSH-2.0-OpenSSH_9.2\r\n", false, Code::kUnavailable},
      {"error without a code", "HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\n<x>", false,
       Code::kInternal},
      {"endless answer",
       "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(endless.size()) + "\r\n\r\n" +
           endless,
       false, Code::kInternal},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::HostileHttp endpoint(c.reply, c.stall);
    S3Options options;
    options.endpoint = endpoint.endpoint();
    options.bucket = "media";
    options.credentials = {"key", "secret", "us-east-1"};
    options.cache_dir = dir.path();
    options.connect_timeout_ms = 1000;
    options.stall_timeout_ms = 1000;
    const auto start = std::chrono::steady_clock::now();
    auto store = OpenS3BlobStore(options);
    EXPECT_EQ(store.status().code(), c.code) << store.status().message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
}

// A store that opened fine, then its endpoint stalls or cuts answers short: Put and PathOf fail
// typed and bounded, the caller's file stays for it to discard, no partial copy is cached.
TEST(S3HostileEndpoint, TransfersThatStallOrBreakOffFailCleanly) {
  const std::string listing =
      "HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\n<ListBucketResult/>";
  struct Case {
    const char* name;
    std::string reply;
    bool stall;
  };
  const Case cases[] = {
      {"stalls", "", true},
      {"breaks off", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nshort", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing_support::TempDir dir;
    testing::HostileHttp endpoint(c.reply, c.stall, listing);
    S3Options options;
    options.endpoint = endpoint.endpoint();
    options.bucket = "media";
    options.credentials = {"key", "secret", "us-east-1"};
    options.cache_dir = dir.path() + "/cache";
    options.stall_timeout_ms = 1000;
    auto store = OpenS3BlobStore(options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    const std::string file = dir.path() + "/upload";
    WriteFile(file, "hello");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ((*store)->Put(file).status().code(), Code::kUnavailable);
    EXPECT_TRUE(testing::Exists(file));
    EXPECT_EQ((*store)->PathOf(kHelloDigest).status().code(), Code::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
    EXPECT_TRUE(!testing::Exists(options.cache_dir) ||
                testing::ListDirectory(options.cache_dir).empty());
  }
}

}  // namespace
}  // namespace parley::media
