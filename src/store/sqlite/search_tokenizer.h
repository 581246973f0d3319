// The `parley` FTS5 tokenizer: message search that works for Latin and CJK text alike.
//
// - Runs of anything but CJK are handed to FTS5's built-in unicode61 tokenizer (with
//   remove_diacritics 2), so Latin words match whole, case- and accent-insensitively.
// - Every CJK ideograph, kana and hangul syllable is a token of its own, so a query run of them
//   (tokenized the same way, into adjacent tokens: a phrase) finds any run of characters:
//   "世界" finds "你好世界".
// Input that is not valid UTF-8 never fails: an undecodable byte belongs to the surrounding
// non-CJK run and unicode61 treats it as it does any other byte.
//
// Register it on every connection before the schema (which names it) is used. The tokenizer
// keeps nothing between calls but the unicode61 it wraps, owned per FTS5 table instance.
#ifndef PARLEY_STORE_SQLITE_SEARCH_TOKENIZER_H_
#define PARLEY_STORE_SQLITE_SEARCH_TOKENIZER_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace parley::store::sqlite {

inline constexpr const char* kSearchTokenizerName = "parley";

// Makes the tokenizer `parley` available to FTS5 tables on `db`. kInternal if the connection's
// SQLite has no FTS5 or unicode61.
Status RegisterSearchTokenizer(sqlite3* db);

// One token as FTS5 indexes it, with the byte range of `text` it came from.
struct SearchToken {
  std::string text;
  int start = 0;
  int end = 0;
};

// The tokens `text` yields on `db` (where the tokenizer is registered), as a query would see
// them. For tests and for telling a query that holds no word from one that does.
Result<std::vector<SearchToken>> TokenizeForSearch(sqlite3* db, std::string_view text);

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_SEARCH_TOKENIZER_H_
