// MigrateToPostgres with a push.db beside the store (app/postgres_migration.h): targets (their
// secrets sealed as stored), settings, quiet hours, mutes, delivery preferences and digests
// arrive in the `push` schema and read back through PushStore and DeliveryStore on PostgreSQL
// with the same key; pending jobs are not copied; a second run verifies again; a push schema
// that holds targets from elsewhere is refused.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "app/postgres_migration.h"
#include "push/delivery_store.h"
#include "push/push_store.h"
#include "store/store.h"
#include "tests/store/backends.h"
#include "tests/support/temp_dir.h"

namespace parley::app {
namespace {

std::unique_ptr<auth::SecretBox> Box() {
  return std::move(*auth::SecretBox::FromKey(std::string(auth::SecretBox::kKeyBytes, 'k')));
}

push::Target Hook(int64_t user, const std::string& url) {
  push::Target t;
  t.user_id = user;
  t.device_id = user * 10;
  t.provider = push::Provider::kWebhook;
  t.endpoint = url;
  t.secret = "hook-secret-" + std::to_string(user);
  return t;
}

// A store with one user and a push.db with a bit of everything, under `dir`.
void FillSource(const std::string& dir, const auth::SecretBox& box) {
  auto store = store::OpenSqlite(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->CreateUser({"alice", "Alice", "$argon2id$a", 1000}).ok());
  const push::PushDbOptions where{dir + "/push.db", false, ""};
  auto pushes = push::PushStore::Open(where, box);
  ASSERT_TRUE(pushes.ok()) << pushes.status().message();
  auto t = (*pushes)->AddTarget(Hook(1, "https://hooks.example/1"), 10);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*pushes)->AddTarget(Hook(2, "https://hooks.example/2"), 10).ok());
  ASSERT_TRUE((*pushes)->SetPreview(1, push::Preview::kSender).ok());
  ASSERT_TRUE((*pushes)->SetQuietHours(1, push::QuietHours{60, 420}).ok());
  ASSERT_TRUE((*pushes)->SetMute(1, push::Mute{5, 0}).ok());
  push::Job job;
  job.collapse_key = "c5";
  ASSERT_TRUE((*pushes)->Enqueue({{t->id, job}}, 0).ok());
  auto deliveries = push::DeliveryStore::Open(where);
  ASSERT_TRUE(deliveries.ok());
  ASSERT_TRUE((*deliveries)->SetPrefs(1, push::DeliveryPrefs{true, true}).ok());
  ASSERT_TRUE((*deliveries)->NoteMissed({1}, 5000).ok());
}

TEST(PushMigrationTest, PushStateArrivesInThePushSchemaWithoutPendingJobs) {
  testing_support::TempDir source_dir, target_dir;
  auto box = Box();
  FillSource(source_dir.path(), *box);
  Result<std::string> conninfo = store::OpenPostgresDatabase(target_dir.path());
  ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
  PostgresMigrationOptions options;
  options.sqlite_path = source_dir.path() + "/parley.db";
  options.push_path = source_dir.path() + "/push.db";
  options.conninfo = *conninfo;
  auto copied = MigrateToPostgres(options);
  ASSERT_TRUE(copied.ok()) << copied.status().message();
  std::set<std::string> push_tables;
  for (const TableCopy& table : *copied) {
    if (table.table.rfind("push.", 0) == 0) push_tables.insert(table.table);
    if (table.table == "push.targets") EXPECT_EQ(table.rows, 2);
  }
  EXPECT_EQ(push_tables,
            std::set<std::string>({"push.targets", "push.settings", "push.quiet_hours",
                                   "push.mutes", "push.delivery_prefs", "push.digests"}));

  const push::PushDbOptions where{"", false, *conninfo};
  auto pushes = push::PushStore::Open(where, *box);
  ASSERT_TRUE(pushes.ok()) << pushes.status().message();
  ASSERT_TRUE((*pushes)->CheckKey().ok());
  auto recipient = (*pushes)->RecipientOf(1, 5, 0);
  ASSERT_TRUE(recipient.ok()) << recipient.status().message();
  ASSERT_EQ(recipient->targets.size(), 1u);
  EXPECT_EQ(recipient->targets[0].secret, "hook-secret-1");
  EXPECT_EQ(recipient->preview, push::Preview::kSender);
  ASSERT_TRUE(recipient->quiet.has_value());
  EXPECT_EQ(recipient->quiet->end_minute, 420);
  EXPECT_TRUE(recipient->muted);
  EXPECT_EQ((*pushes)->Counts()->pending, 0);  // the job stayed behind
  // The identity moved past the copied ids: a new target gets a new one.
  auto added = (*pushes)->AddTarget(Hook(3, "https://hooks.example/3"), 10);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_GT(added->id, 2);
  auto deliveries = push::DeliveryStore::Open(where);
  ASSERT_TRUE(deliveries.ok());
  EXPECT_TRUE((*deliveries)->PrefsOf(1)->when_away);
  ASSERT_EQ((*deliveries)->Pending()->size(), 1u);
  EXPECT_EQ((*(*deliveries)->Pending())[0].since, 5000);
}

TEST(PushMigrationTest, ASecondRunVerifiesAndAPushSchemaInUseIsRefused) {
  testing_support::TempDir source_dir, target_dir, other_target;
  auto box = Box();
  FillSource(source_dir.path(), *box);
  PostgresMigrationOptions options;
  options.sqlite_path = source_dir.path() + "/parley.db";
  options.push_path = source_dir.path() + "/push.db";
  options.conninfo = *store::OpenPostgresDatabase(target_dir.path());
  ASSERT_TRUE(MigrateToPostgres(options).ok());
  auto again = MigrateToPostgres(options);
  ASSERT_TRUE(again.ok()) << again.status().message();

  // A database whose push schema has targets (a node ran on it) but no copy of this store's.
  options.conninfo = *store::OpenPostgresDatabase(other_target.path());
  {
    auto pushes = push::PushStore::Open({"", false, options.conninfo}, *box);
    ASSERT_TRUE(pushes.ok());
    ASSERT_TRUE((*pushes)->AddTarget(Hook(9, "https://elsewhere.example/9"), 10).ok());
  }
  auto refused = MigrateToPostgres(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kConflict) << refused.status().message();
  EXPECT_NE(refused.status().message().find("push targets"), std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace parley::app
