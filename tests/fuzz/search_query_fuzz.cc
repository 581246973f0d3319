// libFuzzer target: the words of a message search (GET /api/v1/search?q=...) through the real
// store: SqliteStore::SearchMessages builds the FTS5 expression from the text with the `parley`
// tokenizer and runs it over a small indexed conversation (Latin, CJK, quotes, FTS syntax).
// Contract: a page of hits the user may read, or kInvalidArgument (no word to search for);
// never kInternal, whatever bytes the query holds (NUL, quotes, invalid UTF-8, FTS operators).
#include <memory>
#include <string>

#include "store/store.h"
#include "tests/fuzz/fuzz_contract.h"
#include "tests/support/temp_dir.h"

namespace parley {
namespace {

struct SearchFixture {
  testing_support::TempDir dir;
  std::unique_ptr<store::Store> store;
  int64_t reader = 0;
  int64_t conversation = 0;

  SearchFixture() {
    auto opened =
        store::OpenSqliteStore({.path = dir.path() + "/parley.db", .synchronous_full = false});
    PARLEY_FUZZ_CHECK(opened.ok());
    store = std::move(*opened);
    auto ann = store->CreateUser({"ann", "ann", "$argon2id$x", 1000});
    auto ben = store->CreateUser({"ben", "ben", "$argon2id$x", 1000});
    PARLEY_FUZZ_CHECK(ann.ok() && ben.ok());
    reader = ann->id;
    const char* texts[] = {"hello world", "你好世界", "Crème brûlée \"quoted\" NEAR(a b)",
                           "col:umn * ^start OR NOT AND", "emoji 👍 and\ttabs"};
    Status written = store->Write([&](store::WriteTxn& txn) -> Status {
      auto direct = txn.DirectConversation(ann->id, ben->id);
      if (!direct.ok()) return direct.status();
      conversation = *direct;
      int client_id = 0;
      for (const char* text : texts) {
        store::Message message;
        message.conversation_id = conversation;
        message.sender_id = ben->id;
        message.client_id = "c" + std::to_string(++client_id);
        message.text = text;
        message.created_at = 1000 + client_id;
        if (auto stored = txn.Append(message); !stored.ok()) return stored.status();
      }
      return Status::Ok();
    });
    PARLEY_FUZZ_CHECK(written.ok());
    PARLEY_FUZZ_CHECK(store->IndexQueuedForSearch(100).ok());
  }
};

}  // namespace
}  // namespace parley

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  static SearchFixture fixture;
  store::SearchQuery query;
  query.user_id = fixture.reader;
  query.text = std::string(fuzz::AsText(data, size));
  query.limit = 3;
  Result<store::SearchPage> page = fixture.store->SearchMessages(query);
  fuzz::CheckResult(page, {Code::kInvalidArgument});
  if (!page.ok()) return 0;
  PARLEY_FUZZ_CHECK(page->hits.size() <= 3);
  for (const store::SearchHit& hit : page->hits) {
    PARLEY_FUZZ_CHECK(hit.message.conversation_id == fixture.conversation);
  }
  return 0;
}
