// SecretBox: sealing round trips, the context is bound, another key and tampering are told
// apart, and the key file is made 0600 once and never silently replaced.
#include "auth/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace parley::auth {
namespace {

using testing_support::TempDir;

TEST(SecretBoxTest, SealsAndOpensWithTheSameKeyAndContext) {
  auto box = SecretBox::FromKey(std::string(32, 'k'));
  ASSERT_TRUE(box.ok());
  const std::string sealed = (*box)->Seal("totp seed bytes", "user:7");
  EXPECT_EQ(sealed.find("totp seed bytes"), std::string::npos);
  EXPECT_NE((*box)->Seal("totp seed bytes", "user:7"), sealed) << "a fresh nonce every time";
  EXPECT_EQ(*(*box)->Open(sealed, "user:7"), "totp seed bytes");
  EXPECT_EQ((*box)->Open(sealed, "user:8").status().code(), Code::kInternal);
  std::string tampered = sealed;
  tampered.back() ^= 1;
  EXPECT_EQ((*box)->Open(tampered, "user:7").status().code(), Code::kInternal);
  EXPECT_EQ((*box)->Open("", "user:7").status().code(), Code::kInternal);
  EXPECT_EQ((*box)->Open(sealed.substr(0, 20), "user:7").status().code(), Code::kInternal);

  auto other = SecretBox::FromKey(std::string(32, 'o'));
  ASSERT_TRUE(other.ok());
  auto opened = (*other)->Open(sealed, "user:7");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("another key"), std::string::npos)
      << opened.status().message();
  EXPECT_EQ(SecretBox::FromKey("short").status().code(), Code::kInvalidArgument);
}

TEST(SecretBoxTest, MacsDependOnKeyContextAndMessageOnly) {
  auto box = SecretBox::FromKey(std::string(32, 'k'));
  auto other = SecretBox::FromKey(std::string(32, 'o'));
  ASSERT_TRUE(box.ok() && other.ok());
  const std::string mac = (*box)->Mac("u_0123", "put");
  EXPECT_EQ(mac.size(), 32u);
  EXPECT_EQ(mac.find_first_not_of("0123456789abcdef"), std::string::npos) << mac;
  EXPECT_EQ((*box)->Mac("u_0123", "put"), mac) << "deterministic";
  EXPECT_NE((*box)->Mac("u_0124", "put"), mac);
  EXPECT_NE((*box)->Mac("u_0123", "get"), mac);
  EXPECT_NE((*other)->Mac("u_0123", "put"), mac);
  // The context and the message do not run into each other.
  EXPECT_NE((*box)->Mac("tu_0123", "pu"), mac);
  EXPECT_NE((*box)->Mac("", ""), (*box)->Mac(std::string(1, '\0'), ""));
}

TEST(SecretBoxTest, KeyFileIsCreatedOnce0600AndABadOneIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/secrets.key";
  auto first = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.status().message();
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string sealed = (*first)->Seal("seed", "ctx");
  auto again = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->Open(sealed, "ctx"), "seed") << "the same key is read back";

  for (const std::string& bad :
       {std::string("not base64!\n"), std::string("c2hvcnQ=\n"), std::string("")}) {
    std::ofstream(path, std::ios::trunc) << bad;
    auto loaded = SecretBox::LoadOrCreate(path);
    ASSERT_FALSE(loaded.ok()) << bad;
    EXPECT_EQ(loaded.status().code(), Code::kInvalidArgument);
    EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  }
  EXPECT_EQ(SecretBox::LoadOrCreate(dir.path() + "/missing/dir/key").status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace parley::auth
