#include "store/sqlite/search_tokenizer.h"

#include <sqlite3.h>

#include <climits>
#include <memory>
#include <new>

#include "base/utf8.h"
#include "store/search_terms.h"

namespace parley::store::sqlite {
namespace {

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

// The unicode61 tokenizer as FTS5 handed it out; lives as long as the `parley` registration.
struct Unicode61 {
  void* context = nullptr;
  fts5_tokenizer methods{};
};

// One `parley` tokenizer instance (one per FTS5 table using it).
struct Instance {
  const Unicode61* unicode61 = nullptr;
  Fts5Tokenizer* inner = nullptr;
};

// Passes unicode61's tokens on with offsets moved from the run to the whole text.
struct Shifted {
  void* context;
  TokenCallback emit;
  int offset;
};

int EmitShifted(void* context, int flags, const char* token, int size, int start, int end) {
  auto* shifted = static_cast<Shifted*>(context);
  return shifted->emit(shifted->context, flags, token, size, start + shifted->offset,
                       end + shifted->offset);
}

int Create(void* module, const char** args, int arg_count, Fts5Tokenizer** out) {
  if (arg_count != 0) return SQLITE_ERROR;  // the tokenizer has no options
  const auto* unicode61 = static_cast<const Unicode61*>(module);
  const char* inner_args[] = {"remove_diacritics", "2"};
  auto instance = std::unique_ptr<Instance>(new (std::nothrow) Instance{unicode61, nullptr});
  if (instance == nullptr) return SQLITE_NOMEM;
  int rc = unicode61->methods.xCreate(unicode61->context, inner_args, 2, &instance->inner);
  if (rc != SQLITE_OK) return rc;
  *out = reinterpret_cast<Fts5Tokenizer*>(instance.release());
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* tokenizer) {
  auto* instance = reinterpret_cast<Instance*>(tokenizer);
  instance->unicode61->methods.xDelete(instance->inner);
  delete instance;
}

int Tokenize(Fts5Tokenizer* tokenizer, void* context, int flags, const char* text, int size,
             TokenCallback emit) {
  auto* instance = reinterpret_cast<Instance*>(tokenizer);
  const std::string_view all(text, size < 0 ? 0 : static_cast<size_t>(size));
  auto flush = [&](size_t from, size_t to) {
    if (from == to) return SQLITE_OK;
    Shifted shifted{context, emit, static_cast<int>(from)};
    return instance->unicode61->methods.xTokenize(instance->inner, &shifted, flags, text + from,
                                                  static_cast<int>(to - from), &EmitShifted);
  };
  size_t run_start = 0;
  size_t pos = 0;
  while (pos < all.size()) {
    std::optional<DecodedCodePoint> decoded = DecodeUtf8At(all, pos);
    if (!decoded || !IsCjkForSearch(decoded->code_point)) {
      pos += decoded ? decoded->length : 1;
      continue;
    }
    if (int rc = flush(run_start, pos); rc != SQLITE_OK) return rc;
    const int start = static_cast<int>(pos);
    const int end = static_cast<int>(pos + decoded->length);
    if (int rc = emit(context, 0, text + pos, end - start, start, end); rc != SQLITE_OK) return rc;
    pos += decoded->length;
    run_start = pos;
  }
  return flush(run_start, all.size());
}

void DestroyModule(void* module) { delete static_cast<Unicode61*>(module); }

Status Failed(std::string_view what) {
  return Status(Code::kInternal, "sqlite: search tokenizer: " + std::string(what));
}

// FTS5's API of this connection, fetched the documented way: SELECT fts5(?1) with a pointer
// bound under the type "fts5_api_ptr".
Result<fts5_api*> Fts5Api(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    return Failed("this SQLite has no FTS5");
  }
  fts5_api* api = nullptr;
  sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr || api->iVersion < 2) return Failed("FTS5 API unavailable");
  return api;
}

int Collect(void* context, int, const char* token, int size, int start, int end) {
  static_cast<std::vector<SearchToken>*>(context)->push_back(
      SearchToken{std::string(token, static_cast<size_t>(size)), start, end});
  return SQLITE_OK;
}

}  // namespace

Status RegisterSearchTokenizer(sqlite3* db) {
  Result<fts5_api*> api = Fts5Api(db);
  if (!api.ok()) return api.status();
  auto unicode61 = std::make_unique<Unicode61>();
  if ((*api)->xFindTokenizer(*api, "unicode61", &unicode61->context, &unicode61->methods) !=
      SQLITE_OK) {
    return Failed("unicode61 not found");
  }
  fts5_tokenizer parley{&Create, &Delete, &Tokenize};
  // FTS5 owns the module (and calls DestroyModule when the connection closes) only once the
  // registration succeeded.
  if ((*api)->xCreateTokenizer(*api, kSearchTokenizerName, unicode61.get(), &parley,
                               &DestroyModule) != SQLITE_OK) {
    return Failed("registration failed");
  }
  unicode61.release();
  return Status::Ok();
}

Result<std::vector<SearchToken>> TokenizeForSearch(sqlite3* db, std::string_view text) {
  if (text.size() > INT_MAX) return Status(Code::kTooLarge, "text too long to tokenize");
  Result<fts5_api*> api = Fts5Api(db);
  if (!api.ok()) return api.status();
  void* module = nullptr;
  fts5_tokenizer methods{};
  if ((*api)->xFindTokenizer(*api, kSearchTokenizerName, &module, &methods) != SQLITE_OK) {
    return Failed("not registered on this connection");
  }
  Fts5Tokenizer* instance = nullptr;
  if (methods.xCreate(module, nullptr, 0, &instance) != SQLITE_OK) return Failed("create failed");
  std::vector<SearchToken> tokens;
  const int rc = methods.xTokenize(instance, &tokens, FTS5_TOKENIZE_QUERY, text.data(),
                                   static_cast<int>(text.size()), &Collect);
  methods.xDelete(instance);
  if (rc != SQLITE_OK) return Failed("tokenizing failed");
  return tokens;
}

}  // namespace parley::store::sqlite
