// The backup manifest (app/backup_manifest.h): what it writes reads back, and every damaged or
// hostile manifest is refused with the line and the reason.
#include "app/backup_manifest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::app {
namespace {

const std::string kA(64, 'a');
const std::string kB(64, 'b');

std::string Manifest(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

TEST(BackupManifestTest, WhatIsFormattedParsesBack) {
  const std::vector<ManifestEntry> entries = {{"parley.db", 4096, kA},
                                              {"push.db", 0, kB},
                                              {"vapid_private.pem", 241, kA},
                                              {BlobEntryPath(kB), 17, kB}};
  auto parsed = ParseManifest(FormatManifest(entries));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*parsed)[i].path, entries[i].path);
    EXPECT_EQ((*parsed)[i].size, entries[i].size);
    EXPECT_EQ((*parsed)[i].sha256, entries[i].sha256);
  }
  EXPECT_EQ(DigestOfBlobEntry(BlobEntryPath(kB)), kB);
  EXPECT_EQ(DigestOfBlobEntry("parley.db"), "");
}

TEST(BackupManifestTest, DamagedOrHostileManifestsAreRefused) {
  const std::string db = kA + " 10 parley.db";
  struct Case {
    std::string name;
    std::string text;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"empty", "", "no end line"},
      {"other file", Manifest({"hello", db, "end 1"}), "not a Parley backup manifest"},
      {"truncated", Manifest({"parley-backup 1", db}), "no end line"},
      {"last line cut", "parley-backup 1\n" + db, "not terminated"},
      {"end miscounts", Manifest({"parley-backup 1", db, "end 2"}), "does not count"},
      {"text after end", Manifest({"parley-backup 1", db, "end 1", "x"}), "after the end"},
      {"parent path", Manifest({"parley-backup 1", db, kA + " 1 ../etc/passwd", "end 2"}),
       "not a file a backup holds"},
      {"absolute path", Manifest({"parley-backup 1", db, kA + " 1 /etc/passwd", "end 2"}),
       "not a file a backup holds"},
      {"blob under a path", Manifest({"parley-backup 1", db, kA + " 1 media/../" + kA, "end 2"}),
       "not a file a backup holds"},
      {"blob not its digest",
       Manifest({"parley-backup 1", db, kA + " 1 " + BlobEntryPath(kB), "end 2"}),
       "not its SHA-256"},
      {"uppercase digest",
       Manifest({"parley-backup 1", std::string(64, 'A') + " 10 parley.db", "end 1"}),
       "not a SHA-256"},
      {"short digest", Manifest({"parley-backup 1", "abc 10 parley.db", "end 1"}), "not a SHA-256"},
      {"negative size", Manifest({"parley-backup 1", kA + " -1 parley.db", "end 1"}), "not a size"},
      {"size overflow",
       Manifest({"parley-backup 1", kA + " 99999999999999999999 parley.db", "end 1"}),
       "not a size"},
      {"missing fields", Manifest({"parley-backup 1", kA, "end 1"}), "expected"},
      {"duplicate", Manifest({"parley-backup 1", db, db, "end 2"}), "duplicate"},
      {"no database", Manifest({"parley-backup 1", kA + " 1 push.db", "end 1"}), "no parley.db"},
      {"NUL in path", Manifest({"parley-backup 1", db + std::string(1, '\0'), "end 1"}),
       "not a file a backup holds"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseManifest(c.text);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << c.name;
    EXPECT_NE(parsed.status().message().find(c.reason), std::string::npos)
        << c.name << ": " << parsed.status().message();
  }
}

}  // namespace
}  // namespace parley::app
