#include "store/search_snippet.h"

#include <algorithm>
#include <utility>

namespace parley::store {
namespace {

constexpr std::string_view kOpen = "\xEE\x80\x80";   // U+E000
constexpr std::string_view kClose = "\xEE\x80\x81";  // U+E001
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// The occurrences of the phrases as term ranges [first, last), sorted, overlaps merged.
std::vector<std::pair<size_t, size_t>> Hits(const std::vector<std::string>& folded,
                                            const std::vector<std::vector<std::string>>& phrases) {
  std::vector<std::pair<size_t, size_t>> hits;
  for (const std::vector<std::string>& phrase : phrases) {
    if (phrase.empty() || phrase.size() > folded.size()) continue;
    for (size_t i = 0; i + phrase.size() <= folded.size(); ++i) {
      if (std::equal(phrase.begin(), phrase.end(), folded.begin() + i)) {
        hits.emplace_back(i, i + phrase.size());
      }
    }
  }
  std::sort(hits.begin(), hits.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& hit : hits) {
    if (!merged.empty() && hit.first < merged.back().second) {
      merged.back().second = std::max(merged.back().second, hit.second);
    } else {
      merged.push_back(hit);
    }
  }
  return merged;
}

}  // namespace

std::string CutSnippet(std::string_view text, const std::vector<SearchTerm>& terms,
                       const std::vector<std::string>& folded,
                       const std::vector<std::vector<std::string>>& phrases) {
  const std::vector<std::pair<size_t, size_t>> hits = Hits(folded, phrases);
  // The window [first, first + kSnippetTerms) that holds the most hit terms; the earliest wins.
  size_t first = 0;
  if (terms.size() > kSnippetTerms) {
    size_t best = 0;
    for (size_t start = 0; start + kSnippetTerms <= terms.size(); ++start) {
      size_t covered = 0;
      for (const auto& [from, to] : hits) {
        const size_t lo = std::max(from, start);
        const size_t hi = std::min(to, start + kSnippetTerms);
        if (lo < hi) covered += hi - lo;
      }
      if (covered > best) {
        best = covered;
        first = start;
      }
    }
  }
  const size_t last = std::min(terms.size(), first + kSnippetTerms);  // one past the window
  const size_t begin = first == 0 ? 0 : terms[first].start;
  const size_t end = last == terms.size() ? text.size() : terms[last - 1].end;

  std::string snippet;
  if (first > 0) snippet += kEllipsis;
  size_t at = begin;
  for (const auto& [from, to] : hits) {
    if (to <= first || from >= last) continue;
    const size_t open = terms[std::max(from, first)].start;
    const size_t close = terms[std::min(to, last) - 1].end;
    snippet += text.substr(at, open - at);
    snippet += kOpen;
    snippet += text.substr(open, close - open);
    snippet += kClose;
    at = close;
  }
  snippet += text.substr(at, end - at);
  if (last < terms.size()) snippet += kEllipsis;
  return snippet;
}

}  // namespace parley::store
