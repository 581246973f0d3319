// The snippet of a search hit: the matching text around the hits, each hit between U+E000 and
// U+E001 (SearchHit::snippet), cut as SQLite's FTS5 snippet() cuts it for the SQLite store: a
// window of up to kSnippetTerms terms holding the most hits, "…" where text was left out. A hit
// is one occurrence of a query phrase (adjacent terms in order); overlapping occurrences are
// marked as one. Pure function, thread-safe.
#ifndef PARLEY_STORE_SEARCH_SNIPPET_H_
#define PARLEY_STORE_SEARCH_SNIPPET_H_

#include <string>
#include <string_view>
#include <vector>

#include "store/search_terms.h"

namespace parley::store {

inline constexpr size_t kSnippetTerms = 16;

// `terms` are SplitSearchTerms(text), `folded` their case- and accent-folded forms (same
// length), `phrases` the query's phrases in folded form.
std::string CutSnippet(std::string_view text, const std::vector<SearchTerm>& terms,
                       const std::vector<std::string>& folded,
                       const std::vector<std::vector<std::string>>& phrases);

}  // namespace parley::store

#endif  // PARLEY_STORE_SEARCH_SNIPPET_H_
