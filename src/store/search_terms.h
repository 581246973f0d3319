// The words of message search, shared by both stores so they find the same things.
//
// - Every CJK ideograph, kana and hangul syllable is a term of its own (scripts written without
//   spaces, where any run of characters may be a word); a query run of them is matched as a
//   phrase of adjacent terms, so "世界" finds "你好世界".
// - Elsewhere a term is a run of letters and digits, with the combining marks that follow
//   them: other characters (spaces, punctuation, symbols, emoji, bytes that are not UTF-8)
//   separate terms. Letters and
//   digits are told apart from the rest by Unicode block, an approximation of the categories
//   SQLite's unicode61 tokenizer uses (L*, N*, Co).
// Case and accents are folded by each store: SQLite's tokenizer (store/sqlite/
// search_tokenizer.h) and PostgreSQL's lower(unaccent()) (store/postgres/pg_search.h).
// Pure functions, thread-safe.
#ifndef PARLEY_STORE_SEARCH_TERMS_H_
#define PARLEY_STORE_SEARCH_TERMS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parley::store {

// CJK ideographs (with extensions and compatibility forms), kana and hangul syllables.
bool IsCjkForSearch(char32_t c);

// One term: its bytes in the text it came from, [start, end).
struct SearchTerm {
  std::string_view text;
  size_t start = 0;
  size_t end = 0;
};

// The terms of `text`, in order. Never fails: undecodable bytes are separators.
std::vector<SearchTerm> SplitSearchTerms(std::string_view text);

// `term` without its combining marks (accents spelled as separate code points), for folding
// as the precomposed spelling folds.
std::string WithoutCombiningMarks(std::string_view term);

// A query's words: what whitespace and control characters (and U+3000 IDEOGRAPHIC SPACE)
// separate. Each word is searched for as one phrase of its terms.
std::vector<std::string_view> SplitQueryWords(std::string_view query);

}  // namespace parley::store

#endif  // PARLEY_STORE_SEARCH_TERMS_H_
