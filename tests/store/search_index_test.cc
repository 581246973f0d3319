// The search index in its own file (store/sqlite/search_index.h): the store's file holds only
// the queue, indexed entries leave the queue, and an index that does not belong to the store's
// queue (lost, taken from another store, or newer than a store file restored from an older
// copy) is rebuilt at open, so searches always answer from the store's own messages.
#include "store/sqlite/search_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_db.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace parley::store::sqlite {
namespace {

namespace fs = std::filesystem;

// One store directory with two users in a direct conversation.
class StoreDir {
 public:
  StoreDir() { Open(); }

  std::string path() const { return dir_.path() + "/parley.db"; }
  Store& store() { return *store_; }

  void Open() {
    SqliteOptions options;
    options.path = path();
    options.synchronous_full = false;
    auto opened = OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    if (ann_ != 0) return;
    auto ann = store_->CreateUser({"ann", "ann", "$argon2id$x", 1000});
    auto ben = store_->CreateUser({"ben", "ben", "$argon2id$x", 1000});
    ASSERT_TRUE(ann.ok() && ben.ok());
    ann_ = ann->id;
    ben_ = ben->id;
  }
  void Close() { store_.reset(); }

  void Send(const std::string& text) {
    Status s = store_->Write([&](WriteTxn& txn) -> Status {
      auto direct = txn.DirectConversation(ann_, ben_);
      if (!direct.ok()) return direct.status();
      Message message;
      message.conversation_id = *direct;
      message.sender_id = ann_;
      message.client_id = "c" + std::to_string(++sent_);
      message.text = text;
      message.created_at = 1000 + sent_;
      return txn.Append(message).status();
    });
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // What ben finds for `text` after the index has caught up, as the server searches.
  std::vector<std::string> Find(const std::string& text) {
    for (;;) {
      Result<int> indexed = store_->IndexQueuedForSearch(1000);
      EXPECT_TRUE(indexed.ok()) << indexed.status().message();
      if (!indexed.ok() || *indexed < 1000) break;
    }
    SearchQuery query;
    query.user_id = ben_;
    query.text = text;
    query.limit = 100;
    auto page = store_->SearchMessages(query);
    EXPECT_TRUE(page.ok()) << page.status().message();
    std::vector<std::string> texts;
    if (page.ok()) {
      for (const SearchHit& hit : page->hits) texts.push_back(hit.message.text);
    }
    return texts;
  }

 private:
  testing_support::TempDir dir_;
  std::unique_ptr<Store> store_;
  int64_t ann_ = 0;
  int64_t ben_ = 0;
  int sent_ = 0;
};

// The first column of the first row of `sql` on a connection of its own to `path`.
int64_t QueryFile(const std::string& path, const std::string& sql) {
  auto db = SqliteDb::Open(path, DbOptions{});
  EXPECT_TRUE(db.ok()) << db.status().message();
  if (!db.ok()) return -1;
  auto value = (*db)->QueryInt(sql);
  EXPECT_TRUE(value.ok()) << value.status().message();
  return value.ok() ? *value : -1;
}

void RemoveIndexFiles(const std::string& store_path) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(SearchIndexPath(store_path) + suffix);
}

TEST(SearchIndexTest, TheIndexLivesInItsOwnFileAndIndexedEntriesLeaveTheQueue) {
  StoreDir dir;
  dir.Send("green tea");
  dir.Send("black coffee");
  EXPECT_EQ(dir.Find("tea"), std::vector<std::string>{"green tea"});
  dir.Close();
  EXPECT_EQ(SearchIndexPath(dir.path()), fs::path(dir.path()).parent_path() / "parley-search.db");
  EXPECT_EQ(QueryFile(dir.path(), "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%search'"),
            0);
  EXPECT_EQ(QueryFile(dir.path(), "SELECT count(*) FROM search_queue"), 0);
  EXPECT_EQ(QueryFile(SearchIndexPath(dir.path()), "SELECT count(*) FROM message_search"), 2);
}

TEST(SearchIndexTest, ALostIndexIsRebuiltAtOpen) {
  StoreDir dir;
  dir.Send("green tea");
  dir.Send("more tea");
  ASSERT_EQ(dir.Find("tea").size(), 2u);
  dir.Close();
  RemoveIndexFiles(dir.path());
  dir.Open();
  EXPECT_EQ(dir.Find("tea"), (std::vector<std::string>{"more tea", "green tea"}));
  dir.Send("tea again");
  EXPECT_EQ(dir.Find("again"), std::vector<std::string>{"tea again"});
}

TEST(SearchIndexTest, TheIndexOfAnotherStoreIsNotUsed) {
  StoreDir mine;
  StoreDir other;
  mine.Send("my tea");
  other.Send("their tea");
  other.Send("their other tea");
  ASSERT_EQ(mine.Find("tea").size(), 1u);
  ASSERT_EQ(other.Find("tea").size(), 2u);
  mine.Close();
  other.Close();
  RemoveIndexFiles(mine.path());
  fs::copy_file(SearchIndexPath(other.path()), SearchIndexPath(mine.path()));
  mine.Open();
  EXPECT_EQ(mine.Find("tea"), std::vector<std::string>{"my tea"});
}

TEST(SearchIndexTest, AStoreFileRestoredFromAnOlderCopyGetsItsIndexRebuilt) {
  StoreDir dir;
  dir.Send("old tea");
  ASSERT_EQ(dir.Find("tea").size(), 1u);
  dir.Close();
  const std::string copy = dir.path() + ".copy";
  fs::copy_file(dir.path(), copy);  // closed: the last close checkpointed everything
  dir.Open();
  dir.Send("new tea");
  dir.Send("newer tea");
  ASSERT_EQ(dir.Find("tea").size(), 3u);
  dir.Close();
  fs::copy_file(copy, dir.path(), fs::copy_options::overwrite_existing);
  dir.Open();
  EXPECT_EQ(dir.Find("tea"), std::vector<std::string>{"old tea"});
  // Positions the restored queue gives out again are indexed, not skipped.
  dir.Send("tea after the restore");
  EXPECT_EQ(dir.Find("restore"), std::vector<std::string>{"tea after the restore"});
}

TEST(SearchIndexTest, EditsAndDeletionsReachTheIndexThroughTheQueue) {
  StoreDir dir;
  dir.Send("green tea");
  ASSERT_EQ(dir.Find("green").size(), 1u);
  Status edited = dir.store().Write(
      [&](WriteTxn& txn) -> Status { return txn.EditMessage(1, 1, "red tea", 2000); });
  ASSERT_TRUE(edited.ok()) << edited.message();
  EXPECT_TRUE(dir.Find("green").empty());
  EXPECT_EQ(dir.Find("red"), std::vector<std::string>{"red tea"});
  Status deleted =
      dir.store().Write([&](WriteTxn& txn) -> Status { return txn.DeleteMessage(1, 1); });
  ASSERT_TRUE(deleted.ok()) << deleted.message();
  EXPECT_TRUE(dir.Find("tea").empty());
}

}  // namespace
}  // namespace parley::store::sqlite
