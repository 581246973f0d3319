// Push secrets at rest: the Web Push auth secrets and webhook signing secrets in push.db, and
// the VAPID key file, are sealed under the secret key (read back from the files themselves);
// clear rows and files from older servers are sealed when found; another key is refused with
// a clear error; rotation moves them to a new key and can be run again; tampered, malformed
// and moved values do not open. The targets' tests run on SQLite and PostgreSQL
// (push_backends.h).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "push/push_store.h"
#include "push/sealed_field.h"
#include "push/web_push_crypto.h"
#include "tests/push/push_backends.h"
#include "tests/support/temp_dir.h"

namespace parley::push {
namespace {

constexpr std::string_view kAuth = "AUTH-secret-16by";  // 16 bytes, as a subscription's
constexpr std::string_view kHex =
    "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";

std::unique_ptr<auth::SecretBox> Box(char fill) {
  return std::move(*auth::SecretBox::FromKey(std::string(auth::SecretBox::kKeyBytes, fill)));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SealedPushSecretsTest : public ::testing::TestWithParam<PushBackend> {
 protected:
  void SetUp() override {
    auto where = GetParam().where(dir_.path());
    ASSERT_TRUE(where.ok()) << where.status().message();
    where_ = *where;
  }

  std::unique_ptr<PushStore> Open(const auth::SecretBox& box) {
    auto store = PushStore::Open(where_, box);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // A Web Push target of user 1 and a webhook target of user 2.
  void AddTargets(PushStore& store) {
    Target web;
    web.user_id = 1;
    web.device_id = 10;
    web.provider = Provider::kWebPush;
    web.endpoint = "https://push.example/sub/1";
    web.p256dh = std::string(65, '\x04');
    web.auth = std::string(kAuth);
    ASSERT_TRUE(store.AddTarget(web, 10).ok());
    Target hook;
    hook.user_id = 2;
    hook.device_id = 20;
    hook.provider = Provider::kWebhook;
    hook.endpoint = "https://hooks.example/2";
    hook.secret = std::string(kHex);
    ASSERT_TRUE(store.AddTarget(hook, 10).ok());
  }
  // A connection of the test's own to the push database.
  std::unique_ptr<store::sql::Db> Raw() {
    auto db = OpenPushDb(where_, "");
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(*db) : nullptr;
  }
  // What the database holds: "auth|secret" per target.
  std::vector<std::string> StoredSecrets() {
    auto db = Raw();
    auto select = db->Prepare("SELECT auth, secret FROM targets ORDER BY id");
    std::vector<std::string> rows;
    while (*select->Step()) rows.push_back(select->ColumnText(0) + "|" + select->ColumnText(1));
    return rows;
  }
  // A row as a server from before sealing wrote it, secrets in the clear.
  void InsertClearTarget(int64_t user, int64_t provider, const std::string& endpoint,
                         const std::string& p256dh, const std::string& auth,
                         const std::string& secret) {
    auto db = Raw();
    auto insert = db->Prepare(
        "INSERT INTO targets (user_id, device_id, provider, endpoint, p256dh, auth, secret, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)");
    ASSERT_TRUE(insert.ok()) << insert.status().message();
    insert->BindInt(1, user);
    insert->BindInt(2, user * 10);
    insert->BindInt(3, provider);
    insert->BindText(4, endpoint);
    insert->BindBlob(5, p256dh);
    insert->BindBlob(6, auth);
    insert->BindText(7, secret);
    ASSERT_TRUE(insert->Run().ok());
  }
  // Overwrites a stored column of the user's target with raw bytes.
  void Overwrite(const char* sql, int64_t user, const std::string& bytes, bool blob) {
    auto db = Raw();
    auto update = db->Prepare(sql);
    ASSERT_TRUE(update.ok()) << update.status().message();
    update->BindInt(1, user);
    if (blob) {
      update->BindBlob(2, bytes);
    } else {
      update->BindText(2, bytes);
    }
    ASSERT_TRUE(update->Run().ok());
  }
  void ExpectSecretsInTheClearFromTheStore(PushStore& store) {
    auto web = store.TargetsOf(1);
    ASSERT_TRUE(web.ok()) << web.status().message();
    ASSERT_EQ(web->size(), 1u);
    EXPECT_EQ((*web)[0].auth, kAuth);
    EXPECT_EQ((*web)[0].secret, "");
    auto hook = store.TargetsOf(2);
    ASSERT_TRUE(hook.ok());
    ASSERT_EQ(hook->size(), 1u);
    EXPECT_EQ((*hook)[0].secret, kHex);
    EXPECT_EQ((*hook)[0].auth, "");
  }

  testing_support::TempDir dir_;
  PushDbOptions where_;
};

INSTANTIATE_TEST_SUITE_P(Backends, SealedPushSecretsTest, AllPushBackends(), PushBackendName);

TEST_P(SealedPushSecretsTest, StoredBytesAreSealedNotTheSecret) {
  auto box = Box('a');
  auto store = Open(*box);
  AddTargets(*store);
  const std::vector<std::string> rows = StoredSecrets();
  ASSERT_EQ(rows.size(), 2u);
  for (const std::string& row : rows) {
    EXPECT_EQ(row.find(kAuth), std::string::npos) << row;
    EXPECT_EQ(row.find(kHex.substr(0, 16)), std::string::npos) << row;
  }
  EXPECT_EQ(rows[0].rfind(kSealedPrefix, 0), 0u) << rows[0];  // auth sealed, no secret
  EXPECT_EQ(rows[0].back(), '|');
  EXPECT_EQ(rows[1].rfind("|" + std::string(kSealedPrefix), 0), 0u) << rows[1];
  ExpectSecretsInTheClearFromTheStore(*store);
  EXPECT_TRUE(store->CheckKey().ok());
}

TEST_P(SealedPushSecretsTest, ClearRowsOfAnOlderServerAreSealedAtOpen) {
  Open(*Box('a')).reset();  // creates the schema
  InsertClearTarget(1, 0, "https://push.example/sub/1", std::string(65, '\0'), std::string(kAuth),
                    "");
  InsertClearTarget(2, 1, "https://hooks.example/2", "", "", std::string(kHex));
  auto box = Box('a');
  auto store = Open(*box);
  for (const std::string& row : StoredSecrets()) {
    EXPECT_EQ(row.find(kAuth), std::string::npos) << row;
    EXPECT_EQ(row.find(kHex), std::string::npos) << row;
    EXPECT_NE(row.find(kSealedPrefix), std::string::npos) << row;
  }
  ExpectSecretsInTheClearFromTheStore(*store);
}

TEST_P(SealedPushSecretsTest, AnotherKeyIsRefusedWithAClearError) {
  auto right = Box('a');
  AddTargets(*Open(*right));
  // A clear row (an older server's) is not sealed under a key that does not fit.
  InsertClearTarget(3, 1, "https://hooks.example/3", "", "", std::string(kHex));
  auto wrong = Box('b');
  auto store = Open(*wrong);
  EXPECT_NE(StoredSecrets().back().find(kHex), std::string::npos);
  const Status checked = store->CheckKey();
  EXPECT_EQ(checked.code(), Code::kInternal);
  EXPECT_NE(checked.message().find("does not open the stored push secrets"), std::string::npos)
      << checked.message();
  EXPECT_NE(checked.message().find("another key"), std::string::npos) << checked.message();
  EXPECT_EQ(store->TargetsOf(1).status().code(), Code::kInternal);
  EXPECT_EQ(StoredSecrets().size(), 3u);  // nothing was lost
  store = Open(*right);                   // the right key seals the clear row
  EXPECT_EQ(StoredSecrets().back().find(kHex), std::string::npos);
  EXPECT_EQ((*store->TargetsOf(3))[0].secret, kHex);
}

TEST_P(SealedPushSecretsTest, RotationResealsEveryTargetAndCanRunAgain) {
  auto old_key = Box('a');
  auto new_key = Box('b');
  {
    auto store = Open(*old_key);
    AddTargets(*store);
    const std::vector<std::string> before = StoredSecrets();
    auto resealed = store->ResealSecrets(*new_key);
    ASSERT_TRUE(resealed.ok()) << resealed.status().message();
    EXPECT_EQ(*resealed, 2);
    EXPECT_NE(StoredSecrets(), before);
    auto again = store->ResealSecrets(*new_key);  // an interrupted rotation, run again
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0);
  }
  auto store = Open(*new_key);
  EXPECT_TRUE(store->CheckKey().ok());
  ExpectSecretsInTheClearFromTheStore(*store);
  EXPECT_FALSE(Open(*old_key)->CheckKey().ok());
  // A third key opens neither: the rotation stops, naming the target, and changes nothing.
  auto stray = Box('c');
  auto stuck = Open(*stray)->ResealSecrets(*Box('d'));
  EXPECT_EQ(stuck.status().code(), Code::kInternal);
  EXPECT_NE(stuck.status().message().find("push target"), std::string::npos);
  ExpectSecretsInTheClearFromTheStore(*Open(*new_key));
}

TEST_P(SealedPushSecretsTest, TamperedMalformedAndMovedValuesDoNotOpen) {
  auto box = Box('a');
  AddTargets(*Open(*box));
  // A sealed auth moved to another user's row: the context (user and endpoint) differs.
  const std::string first = StoredSecrets().front();
  Overwrite("UPDATE targets SET secret = ?2 WHERE user_id = ?1", 2,
            first.substr(0, first.find('|')), false);
  auto store = Open(*box);
  EXPECT_EQ(store->TargetsOf(2).status().code(), Code::kInternal);
  EXPECT_TRUE(store->TargetsOf(1).ok());
  for (const std::string& hostile :
       {std::string(kSealedPrefix) + "!!not base64!!", std::string(kSealedPrefix),
        std::string(kSealedPrefix) + "AQ", std::string(kSealedPrefix) + std::string(4000, 'A')}) {
    store.reset();
    Overwrite("UPDATE targets SET auth = ?2 WHERE user_id = ?1", 1, hostile, true);
    store = Open(*box);
    EXPECT_EQ(store->TargetsOf(1).status().code(), Code::kInternal) << hostile.substr(0, 40);
    EXPECT_EQ(store->CheckKey().code(), Code::kInternal);
  }
}

// --- the VAPID key file ---

TEST(SealedVapidKey, TheFileIsSealedAndAnotherKeyIsRefused) {
  testing_support::TempDir dir;
  const std::string path = (std::filesystem::path(dir.path()) / "vapid.pem").string();
  auto box = Box('a');
  auto key = VapidKey::LoadOrCreate(path, *box);
  ASSERT_TRUE(key.ok()) << key.status().message();
  const std::string stored = ReadAll(path);
  EXPECT_EQ(stored.rfind(kSealedPrefix, 0), 0u);
  EXPECT_EQ(stored.find("PRIVATE KEY"), std::string::npos);
  auto again = VapidKey::LoadOrCreate(path, *box);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->public_key(), (*key)->public_key());

  auto wrong = Box('b');
  auto refused = VapidKey::LoadOrCreate(path, *wrong);
  EXPECT_EQ(refused.status().code(), Code::kInternal);
  EXPECT_NE(refused.status().message().find("another key"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find(path), std::string::npos);
  EXPECT_EQ(ReadAll(path), stored);  // a refused key never overwrites the file
}

TEST(SealedVapidKey, AClearPemIsSealedOnFirstLoadAndRotationMovesIt) {
  testing_support::TempDir dir;
  const std::string path = (std::filesystem::path(dir.path()) / "vapid.pem").string();
  {  // the clear PEM an older server (or `openssl ecparam -genkey`) wrote
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_EQ(PEM_write_PrivateKey(file, pkey, nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::fclose(file);
    EVP_PKEY_free(pkey);
  }
  auto old_key = Box('a');
  auto loaded = VapidKey::LoadOrCreate(path, *old_key);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(ReadAll(path).find("PRIVATE KEY"), std::string::npos);

  auto new_key = Box('b');
  auto moved = VapidKey::ResealFile(path, *old_key, *new_key);
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_TRUE(*moved);
  EXPECT_FALSE(*VapidKey::ResealFile(path, *old_key, *new_key));  // done already
  auto reloaded = VapidKey::LoadOrCreate(path, *new_key);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ((*reloaded)->public_key(), (*loaded)->public_key());
  EXPECT_FALSE(VapidKey::LoadOrCreate(path, *old_key).ok());
  EXPECT_FALSE(*VapidKey::ResealFile(path + ".missing", *old_key, *new_key));
}

TEST(SealedVapidKey, GarbageIsRefusedAndNotReplaced) {
  testing_support::TempDir dir;
  const std::string path = (std::filesystem::path(dir.path()) / "vapid.pem").string();
  auto box = Box('a');
  for (const std::string& hostile : {std::string("not a key"), std::string(kSealedPrefix) + "%%",
                                     std::string(kSealedPrefix) + std::string(100000, 'Q')}) {
    std::ofstream(path) << hostile;
    EXPECT_EQ(VapidKey::LoadOrCreate(path, *box).status().code(), Code::kInternal);
    EXPECT_EQ(ReadAll(path), hostile);
  }
}

}  // namespace
}  // namespace parley::push
