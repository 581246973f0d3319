// The local blob store on a real directory: content addressing, deduplication, the layout,
// reopening, concurrent puts of the same bytes, and digests that try to be paths.
#include "media/blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/media/media_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::Exists;
using testing::ReadFile;
using testing::WriteFile;

// SHA-256("hello"), a published test vector.
constexpr const char* kHelloDigest =
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<BlobStore>> store = OpenLocalBlobStore(root());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  std::string root() const { return dir_.path() + "/media"; }
  // A file in the store's tmp/ directory, as an upload in progress would be.
  std::string Staged(const std::string& name, const std::string& bytes) {
    const std::string path = root() + "/tmp/" + name;
    WriteFile(path, bytes);
    return path;
  }

  parley::testing_support::TempDir dir_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, PutNamesTheBlobByItsSha256AndMovesTheFile) {
  const std::string staged = Staged("upload-1", "hello");
  Result<std::string> digest = store_->Put(staged);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, kHelloDigest);
  EXPECT_FALSE(Exists(staged));
  Result<std::string> path = store_->PathOf(kHelloDigest);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, root() + "/blobs/2c/" + kHelloDigest);
  EXPECT_EQ(ReadFile(*path), "hello");
  Result<int64_t> size = store_->SizeOf(kHelloDigest);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 5);
}

TEST_F(BlobStoreTest, SameBytesAreStoredOnce) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  const std::string second = Staged("b", "hello");
  Result<std::string> digest = store_->Put(second);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, kHelloDigest);
  EXPECT_FALSE(Exists(second));
  EXPECT_EQ(testing::ListDirectory(root() + "/blobs/2c"), std::vector<std::string>{kHelloDigest});
  EXPECT_TRUE(testing::ListDirectory(root() + "/tmp").empty());
}

TEST_F(BlobStoreTest, PuttingABlobItselfKeepsIt) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  Result<std::string> path = store_->PathOf(kHelloDigest);
  ASSERT_TRUE(path.ok());
  Result<std::string> again = store_->Put(*path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, kHelloDigest);
  EXPECT_EQ(ReadFile(*path), "hello");
}

TEST_F(BlobStoreTest, ConcurrentPutsOfTheSameBytesAgree) {
  const std::string bytes(100'000, 'x');
  std::vector<std::thread> threads;
  std::vector<std::string> digests(6);
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
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(ReadFile(*path), bytes);
  EXPECT_TRUE(testing::ListDirectory(root() + "/tmp").empty());
}

TEST_F(BlobStoreTest, BlobsSurviveReopening) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  store_.reset();
  Result<std::unique_ptr<BlobStore>> reopened = OpenLocalBlobStore(root());
  ASSERT_TRUE(reopened.ok());
  Result<std::string> path = (*reopened)->PathOf(kHelloDigest);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(ReadFile(*path), "hello");
}

TEST_F(BlobStoreTest, RemoveIsIdempotent) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  EXPECT_TRUE(store_->Remove(kHelloDigest).ok());
  EXPECT_EQ(store_->PathOf(kHelloDigest).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->SizeOf(kHelloDigest).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->Remove(kHelloDigest).ok());
}

TEST_F(BlobStoreTest, DigestsThatAreNotDigestsAreRefused) {
  // Planted where the path tricks would lead, to prove they are not followed.
  WriteFile(dir_.path() + "/secret", "secret");
  const std::string upper = "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824";
  for (const std::string& digest :
       {std::string(), std::string("../../secret"), std::string(kHelloDigest).substr(1), upper,
        std::string(kHelloDigest) + "0", std::string("2c/../../../secret") + std::string(46, 'a'),
        std::string(63, 'a') + "/", std::string(63, 'a') + std::string(1, '\0'),
        std::string(64, 'g')}) {
    SCOPED_TRACE(digest);
    EXPECT_EQ(store_->PathOf(digest).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(store_->SizeOf(digest).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(store_->Remove(digest).code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(Exists(dir_.path() + "/secret"));
}

TEST_F(BlobStoreTest, MissingFiles) {
  EXPECT_EQ(store_->Put(root() + "/tmp/never-written").status().code(), Code::kNotFound);
  EXPECT_EQ(Sha256OfFile(root() + "/tmp/never-written").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->PathOf(std::string(64, 'a')).status().code(), Code::kNotFound);
}

TEST_F(BlobStoreTest, Sha256OfFileMatchesKnownVectors) {
  Result<std::string> empty = Sha256OfFile(Staged("empty", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Longer than one read chunk: "a" x 1,000,000 is a published vector.
  Result<std::string> million = Sha256OfFile(Staged("million", std::string(1'000'000, 'a')));
  ASSERT_TRUE(million.ok());
  EXPECT_EQ(*million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(BlobStoreTest, OpeningCreatesTheLayout) {
  EXPECT_TRUE(std::filesystem::is_directory(root() + "/blobs"));
  EXPECT_TRUE(std::filesystem::is_directory(root() + "/tmp"));
  WriteFile(dir_.path() + "/a-file", "x");
  EXPECT_EQ(OpenLocalBlobStore(dir_.path() + "/a-file").status().code(), Code::kInternal);
}

}  // namespace
}  // namespace parley::media
