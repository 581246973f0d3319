// What is particular to the local blob store on a real directory: its layout, reopening, a blob
// put again, no download URLs. The contract every backend keeps is checked by
// blob_store_conformance_test.cc.
#include "media/blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
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

TEST_F(BlobStoreTest, BlobsSurviveReopening) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  store_.reset();
  Result<std::unique_ptr<BlobStore>> reopened = OpenLocalBlobStore(root());
  ASSERT_TRUE(reopened.ok());
  Result<std::string> path = (*reopened)->PathOf(kHelloDigest);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(ReadFile(*path), "hello");
}

TEST_F(BlobStoreTest, LocalBlobsHaveNoDownloadUrl) {
  ASSERT_TRUE(store_->Put(Staged("a", "hello")).ok());
  EXPECT_EQ(store_->DownloadUrl(kHelloDigest, "text/plain", "inline").status().code(),
            Code::kUnavailable);
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
