// MigrateToPostgres (app/postgres_migration.h) from a SQLite store filled through the Store API
// into a real PostgreSQL (tests/support/postgres_server.h): what the PostgreSQL store reads back
// afterwards, resuming an interrupted copy, the verification, and the refusals.
#include "app/postgres_migration.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/postgres/pg_db.h"
#include "store/sql/sql_db.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"
#include "tests/store/backends.h"
#include "tests/support/temp_dir.h"

namespace parley::app {
namespace {

using store::Message;
using store::MessageKind;
using store::Store;
using store::WriteTxn;
namespace sql = store::sql;

constexpr int64_t kNow = 1'700'000'000'000;
const std::string kTokenHash = std::string("tok\0en\xff", 7);
const std::string kSeed = std::string("seal\0ed", 7);

template <typename T>
T Must(Result<T> result) {
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? std::move(*result) : T{};
}

// The rules clock's version in the source (its row is copied over the target's seeded one).
constexpr int kRulesChanges = 2;

// What the source holds, as the tests compare it.
struct Filled {
  int64_t alice = 0, bob = 0, carol = 0;
  int64_t direct = 0, group = 0;
};

// Fills a SQLite store under `dir` with every kind of row the tests read back.
Filled Fill(const std::string& dir, const std::string& prefix = "") {
  Filled f;
  std::unique_ptr<Store> store = Must(store::OpenSqlite(dir));
  if (!store) return f;
  f.alice = Must(store->CreateUser({prefix + "alice", "Alice", "$argon2id$a", kNow})).id;
  f.bob = Must(store->CreateUser({prefix + "bob", "Bób", "$argon2id$b", kNow + 1})).id;
  f.carol = Must(store->CreateUser({prefix + "carol", "Carol", "$argon2id$c", kNow + 2})).id;
  Must(store->CreateDevice({f.alice, "cli", kTokenHash, kNow, kNow + 1'000'000}));
  EXPECT_TRUE(store->StartTotp(f.bob, kSeed, kNow).ok());
  EXPECT_TRUE(store->AddAuditEntry({0, kNow, f.alice, "user.disable", "user:3", "why"}).ok());
  store::Report report;
  report.reporter_id = f.bob;
  report.user_id = f.carol;
  report.reason = "spam";
  report.created_at = kNow;
  EXPECT_TRUE(store->AddReport(report).ok());

  Status written = store->Write([&](WriteTxn& txn) -> Status {
    Result<int64_t> direct = txn.DirectConversation(f.alice, f.bob);
    if (!direct.ok()) return direct.status();
    f.direct = *direct;
    store::Media media;
    media.id = "m_" + std::string(32, 'a');
    media.owner_id = f.alice;
    media.kind = "image";
    media.mime = "image/png";
    media.size = 3;
    media.name = "cat.png";
    media.digest = std::string(64, 'b');
    media.created_at = kNow;
    if (Status s = txn.CreateMedia(media); !s.ok()) return s;

    Message first;
    first.conversation_id = f.direct;
    first.sender_id = f.alice;
    first.client_id = "c1";
    first.text = "hello migrated world";
    first.created_at = kNow;
    first.media = media;
    if (Result<Message> m = txn.Append(first); !m.ok()) return m.status();
    Message reply = first;
    reply.client_id = "c2";
    reply.sender_id = f.bob;
    reply.text = "a reply";
    reply.media.reset();
    reply.reply_to = 1;
    if (Result<Message> m = txn.Append(reply); !m.ok()) return m.status();
    if (Status s = txn.EditMessage(f.direct, 2, "an edited reply", kNow + 5); !s.ok()) return s;
    if (Result<bool> r = txn.SetReaction(f.direct, 1, f.bob, "👍", true, kNow + 6); !r.ok()) {
      return r.status();
    }

    store::Group group;
    group.name = "Crew";
    group.topic = "topic";
    group.created_at = kNow;
    Result<int64_t> group_id = txn.CreateGroup(group);
    if (!group_id.ok()) return group_id.status();
    f.group = *group_id;
    for (int64_t user : {f.alice, f.bob, f.carol}) {
      store::Member member;
      member.user_id = user;
      member.first_seq = 1;
      if (Status s = txn.AddMember(f.group, member, kNow); !s.ok()) return s;
    }
    for (int i = 0; i < 5; ++i) {
      Message m;
      m.conversation_id = f.group;
      m.sender_id = f.carol;
      m.client_id = "g" + std::to_string(i);
      m.text = "group message " + std::to_string(i);
      m.created_at = kNow + i;
      if (Result<Message> sent = txn.Append(m); !sent.ok()) return sent.status();
    }
    if (Status s = txn.AddFriendship(f.alice, f.bob, kNow); !s.ok()) return s;
    if (Status s = txn.AddFriendRequest({f.carol, f.alice, "hi", kNow}); !s.ok()) return s;
    if (Result<bool> b = txn.AddBlock(f.carol, f.bob, kNow); !b.ok()) return b.status();
    store::Moment moment;
    moment.author_id = f.alice;
    moment.text = "a moment";
    moment.created_at = kNow;
    Result<int64_t> moment_id = txn.AddMoment(moment);
    if (!moment_id.ok()) return moment_id.status();
    if (Result<bool> l = txn.SetMomentLike(*moment_id, f.bob, true, kNow); !l.ok()) {
      return l.status();
    }
    store::StickerPack pack;
    pack.slug = "packslug";
    pack.owner_id = f.alice;
    pack.name = "Pack";
    pack.created_at = kNow;
    Result<int64_t> pack_id = txn.CreateStickerPack(pack);
    if (!pack_id.ok()) return pack_id.status();
    store::Sticker sticker;
    sticker.pack_id = *pack_id;
    sticker.keywords = "smile";
    sticker.media_id = media.id;
    return txn.AddSticker(sticker, kNow).status();
  });
  EXPECT_TRUE(written.ok()) << written.message();
  for (int i = 0; i < kRulesChanges; ++i) {
    Status bumped = store->Write([](WriteTxn& txn) -> Status {
      if (auto locked = txn.LockRules(store::RulesLock::kExclusive); !locked.ok()) {
        return locked.status();
      }
      return txn.BumpRules();
    });
    EXPECT_TRUE(bumped.ok()) << bumped.message();
  }
  return f;
}

// The rules clock's version in `store`; -1 (and a test failure) if it cannot be read.
int64_t RulesVersion(Store& store) {
  int64_t version = -1;
  Status read = store.Write([&](WriteTxn& txn) -> Status {
    auto locked = txn.LockRules(store::RulesLock::kShared);
    if (!locked.ok()) return locked.status();
    version = *locked;
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  return version;
}

std::string NewDatabase(const std::string& dir) {
  Result<std::string> conninfo = store::OpenPostgresDatabase(dir);
  EXPECT_TRUE(conninfo.ok()) << conninfo.status().message();
  return conninfo.ok() ? *conninfo : std::string();
}

PostgresMigrationOptions Options(const std::string& data_dir, const std::string& conninfo) {
  PostgresMigrationOptions options;
  options.sqlite_path = data_dir + "/parley.db";
  options.conninfo = conninfo;
  return options;
}

std::string Texts(const std::vector<Message>& messages) {
  std::string out;
  for (const Message& m : messages) {
    out += std::to_string(m.seq) + ":" + std::to_string(static_cast<int>(m.kind)) + ":" + m.text +
           ":" + std::to_string(m.edited_at) + ":" + (m.media ? m.media->name : "") + ":" +
           (m.quote ? m.quote->text : "") + ":";
    for (const store::Reaction& r : m.reactions) {
      out += r.emoji + std::to_string(r.users.size());
    }
    out += "\n";
  }
  return out;
}

TEST(PostgresMigrationTest, CopiesEverythingTheStoreReadsBack) {
  testing_support::TempDir source_dir, target_dir;
  Filled f = Fill(source_dir.path());
  std::string before_direct, before_group;
  size_t conversations = 0;
  {
    std::unique_ptr<Store> sqlite = Must(store::OpenSqlite(source_dir.path()));
    ASSERT_TRUE(sqlite);
    before_direct = Texts(Must(sqlite->MessagesAfter(f.direct, 0, 100)));
    before_group = Texts(Must(sqlite->MessagesAfter(f.group, 0, 100)));
    conversations = Must(sqlite->ListConversations(f.alice)).size();
  }
  ASSERT_NE(before_direct.find("an edited reply"), std::string::npos);

  std::string conninfo = NewDatabase(target_dir.path());
  PostgresMigrationOptions options = Options(source_dir.path(), conninfo);
  std::vector<std::string> lines;
  options.on_line = [&](const std::string& line) { lines.push_back(line); };
  Result<std::vector<TableCopy>> copied = MigrateToPostgres(options);
  ASSERT_TRUE(copied.ok()) << copied.status().message();
  ASSERT_EQ(lines.size(), copied->size());
  bool saw_users = false;
  for (const TableCopy& table : *copied) {
    if (table.table == "users") {
      saw_users = true;
      EXPECT_EQ(table.rows, 3);
    }
    EXPECT_NE(table.table.rfind("message_search", 0), 0u) << table.table;
  }
  EXPECT_TRUE(saw_users);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "users: 3 rows, checksum ok"), lines.end());

  std::unique_ptr<Store> pg = Must(store::OpenPostgresStore({conninfo}));
  ASSERT_TRUE(pg);
  EXPECT_EQ(Must(pg->FindUserByName("alice")).id, f.alice);
  EXPECT_EQ(Must(pg->FindUserById(f.bob)).display_name, "Bób");
  EXPECT_EQ(Must(pg->FindDeviceByTokenHash(kTokenHash, kNow)).user_id, f.alice);
  std::optional<store::TotpSecret> totp = Must(pg->FindTotp(f.bob));
  ASSERT_TRUE(totp.has_value());
  EXPECT_EQ(totp->sealed_seed, kSeed);
  EXPECT_EQ(Texts(Must(pg->MessagesAfter(f.direct, 0, 100))), before_direct);
  EXPECT_EQ(Texts(Must(pg->MessagesAfter(f.group, 0, 100))), before_group);
  EXPECT_EQ(Must(pg->ListConversations(f.alice)).size(), conversations);
  std::vector<store::Relation> friends = Must(pg->ListFriends(f.alice));
  ASSERT_EQ(friends.size(), 1u);
  EXPECT_EQ(friends[0].user.id, f.bob);
  EXPECT_EQ(Must(pg->ListFriendRequests(f.alice)).incoming.size(), 1u);
  EXPECT_EQ(Must(pg->ListBlocks(f.carol)).size(), 1u);
  EXPECT_EQ(Must(pg->AuditEntries(0, 10)).size(), 1u);
  EXPECT_EQ(Must(pg->ListReports(false, 0, 10)).size(), 1u);
  std::optional<store::StickerPack> pack = Must(pg->FindStickerPack("packslug"));
  ASSERT_TRUE(pack.has_value());
  EXPECT_EQ(pack->stickers.size(), 1u);
  EXPECT_EQ(Must(pg->AuthorMoments(f.alice, 0, 10)).size(), 1u);
  EXPECT_EQ(RulesVersion(*pg), kRulesChanges);

  // Search: every live text message was queued again.
  EXPECT_GT(Must(pg->IndexQueuedForSearch(1000)), 0);
  store::SearchQuery query;
  query.user_id = f.bob;
  query.text = "migrated";
  store::SearchPage page = Must(pg->SearchMessages(query));
  ASSERT_EQ(page.hits.size(), 1u);
  EXPECT_EQ(page.hits[0].message.seq, 1);

  // Sequences moved past the copied ids.
  store::User dave = Must(pg->CreateUser({"dave", "Dave", "$argon2id$d", kNow}));
  EXPECT_GT(dave.id, f.carol);
  Status more = pg->Write([&](WriteTxn& txn) -> Status {
    store::Group group;
    group.name = "New";
    group.created_at = kNow;
    Result<int64_t> id = txn.CreateGroup(group);
    if (!id.ok()) return id.status();
    EXPECT_GT(*id, f.group);
    Message m;
    m.conversation_id = f.direct;
    m.sender_id = f.alice;
    m.client_id = "after";
    m.text = "after the move";
    m.created_at = kNow + 100;
    Result<Message> sent = txn.Append(m);
    if (!sent.ok()) return sent.status();
    EXPECT_EQ(sent->seq, 3);
    return Status::Ok();
  });
  EXPECT_TRUE(more.ok()) << more.message();
}

TEST(PostgresMigrationTest, AnInterruptedCopyResumesWithoutDuplicates) {
  testing_support::TempDir source_dir, whole_dir, resumed_dir;
  Fill(source_dir.path());
  Result<std::vector<TableCopy>> whole =
      MigrateToPostgres(Options(source_dir.path(), NewDatabase(whole_dir.path())));
  ASSERT_TRUE(whole.ok()) << whole.status().message();

  PostgresMigrationOptions options = Options(source_dir.path(), NewDatabase(resumed_dir.path()));
  options.batch_rows = 2;
  options.max_batches = 3;
  int interruptions = 0;
  Result<std::vector<TableCopy>> resumed = MigrateToPostgres(options);
  while (!resumed.ok() && resumed.status().code() == Code::kUnavailable && interruptions < 100) {
    ++interruptions;
    resumed = MigrateToPostgres(options);
  }
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_GT(interruptions, 3);
  ASSERT_EQ(resumed->size(), whole->size());
  for (size_t i = 0; i < whole->size(); ++i) {
    EXPECT_EQ((*resumed)[i].table, (*whole)[i].table);
    EXPECT_EQ((*resumed)[i].rows, (*whole)[i].rows) << (*whole)[i].table;
    EXPECT_EQ((*resumed)[i].checksum, (*whole)[i].checksum) << (*whole)[i].table;
  }
  // Done already: running again only verifies.
  EXPECT_TRUE(MigrateToPostgres(options).ok());
}

TEST(PostgresMigrationTest, VerificationFindsATargetThatDiffers) {
  testing_support::TempDir source_dir, target_dir;
  Fill(source_dir.path());
  std::string conninfo = NewDatabase(target_dir.path());
  ASSERT_TRUE(MigrateToPostgres(Options(source_dir.path(), conninfo)).ok());
  {
    auto db = store::postgres::PgDb::Open({conninfo});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE users SET display_name = 'X' WHERE username = 'bob'").ok());
  }
  Result<std::vector<TableCopy>> again = MigrateToPostgres(Options(source_dir.path(), conninfo));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("users: 3 rows, checksums differ"), std::string::npos)
      << again.status().message();
}

TEST(PostgresMigrationTest, DamagedProgressIsATypedError) {
  testing_support::TempDir source_dir, target_dir;
  Fill(source_dir.path());
  PostgresMigrationOptions options = Options(source_dir.path(), NewDatabase(target_dir.path()));
  options.batch_rows = 1;
  options.max_batches = 2;
  ASSERT_EQ(MigrateToPostgres(options).status().code(), Code::kUnavailable);
  for (const char* key : {"Ixyz", "Szz", "garbage", ""}) {
    {
      auto db = store::postgres::PgDb::Open({options.conninfo});
      ASSERT_TRUE(db.ok());
      Result<sql::Statement> damage =
          (*db)->Prepare("UPDATE migration_progress SET copied_through_key = ?1, done = 0");
      ASSERT_TRUE(damage.ok());
      damage->BindText(1, key);
      ASSERT_TRUE(damage->Run().ok());
    }
    Result<std::vector<TableCopy>> failed = MigrateToPostgres(options);
    ASSERT_FALSE(failed.ok()) << key;
    EXPECT_EQ(failed.status().code(), Code::kInternal) << key;
    EXPECT_NE(failed.status().message().find("corrupt progress"), std::string::npos)
        << failed.status().message();
  }
}

TEST(PostgresMigrationTest, RefusesATargetWithDataFromElsewhere) {
  testing_support::TempDir source_dir, other_dir, target_dir;
  Fill(source_dir.path());
  std::string conninfo = NewDatabase(target_dir.path());
  {
    std::unique_ptr<Store> pg = Must(store::OpenPostgresStore({conninfo}));
    ASSERT_TRUE(pg);
    Must(pg->CreateUser({"zed", "Zed", "$argon2id$z", kNow}));
  }
  Result<std::vector<TableCopy>> refused = MigrateToPostgres(Options(source_dir.path(), conninfo));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kConflict) << refused.status().message();

  // A copy of another SQLite store, finished or not, is refused too.
  testing_support::TempDir second_target;
  std::string second = NewDatabase(second_target.path());
  ASSERT_TRUE(MigrateToPostgres(Options(source_dir.path(), second)).ok());
  Fill(other_dir.path(), "x");
  refused = MigrateToPostgres(Options(other_dir.path(), second));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kConflict) << refused.status().message();
}

TEST(PostgresMigrationTest, RefusesAnOlderSourceSchema) {
  testing_support::TempDir source_dir, target_dir;
  {
    store::sqlite::DbOptions create;
    create.create = true;
    create.writer = true;
    auto db = store::sqlite::SqliteDb::Open(source_dir.path() + "/parley.db", create);
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE users (id INTEGER PRIMARY KEY); "
                           "PRAGMA user_version = 3;")
                    .ok());
  }
  Result<std::vector<TableCopy>> refused =
      MigrateToPostgres(Options(source_dir.path(), NewDatabase(target_dir.path())));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("schema version 3"), std::string::npos)
      << refused.status().message();
}

TEST(PostgresMigrationTest, RefusesAMissingSource) {
  testing_support::TempDir source_dir, target_dir;
  Result<std::vector<TableCopy>> refused =
      MigrateToPostgres(Options(source_dir.path(), NewDatabase(target_dir.path())));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(source_dir.path() + "/parley.db"));
}

TEST(PostgresMigrationTest, ABadConninfoFailsWithoutShowingIt) {
  testing_support::TempDir source_dir;
  Fill(source_dir.path());
  for (const std::string& conninfo :
       {std::string("host=127.0.0.1 port=1 dbname=x password=sekrit connect_timeout=2"),
        std::string("not a conninfo password=sekrit ===")}) {
    Result<std::vector<TableCopy>> failed = MigrateToPostgres(Options(source_dir.path(), conninfo));
    ASSERT_FALSE(failed.ok()) << conninfo;
    EXPECT_EQ(failed.status().message().find("sekrit"), std::string::npos)
        << failed.status().message();
  }
}

}  // namespace
}  // namespace parley::app
