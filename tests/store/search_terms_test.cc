// The words of message search shared by both stores (store/search_terms.h) and the snippets cut
// from them (store/search_snippet.h): pure functions, no database.
#include "store/search_terms.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/search_snippet.h"

namespace parley::store {
namespace {

std::vector<std::string> Terms(std::string_view text) {
  std::vector<std::string> out;
  for (const SearchTerm& term : SplitSearchTerms(text)) {
    EXPECT_EQ(text.substr(term.start, term.end - term.start), term.text);
    out.emplace_back(term.text);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(SearchTermsTest, LatinWordsAreRunsOfLettersAndDigits) {
  EXPECT_EQ(Terms("Hello, wörld! it's 3.14 e-mail"),
            (Strings{"Hello", "wörld", "it", "s", "3", "14", "e", "mail"}));
  EXPECT_EQ(Terms("snake_case x@y.org"), (Strings{"snake", "case", "x", "y", "org"}));
  EXPECT_EQ(Terms("de\u0301ja\u0300 vu"), (Strings{"de\u0301ja\u0300", "vu"}));  // marks stay
  EXPECT_EQ(WithoutCombiningMarks("de\u0301ja\u0300"), "deja");
}

TEST(SearchTermsTest, EveryCjkCharacterIsATermOfItsOwn) {
  EXPECT_EQ(Terms("你好世界"), (Strings{"你", "好", "世", "界"}));
  EXPECT_EQ(Terms("hello世界42"), (Strings{"hello", "世", "界", "42"}));
  EXPECT_EQ(Terms("東京で"), (Strings{"東", "京", "で"}));
  EXPECT_EQ(Terms("안녕 하세요"), (Strings{"안", "녕", "하", "세", "요"}));
  EXPECT_EQ(Terms("世界。你好"), (Strings{"世", "界", "你", "好"}));  // CJK punctuation
}

TEST(SearchTermsTest, EmojiSymbolsAndBadBytesSeparate) {
  EXPECT_EQ(Terms("party🎉time ❤️ok"), (Strings{"party", "time", "ok"}));
  EXPECT_TRUE(Terms("🎉👍🏽 *** \"\" ^ & | ! :*").empty());
  EXPECT_EQ(Terms("caf\xFF"
                  "e \xC3"),
            (Strings{"caf", "e"}));
  EXPECT_EQ(Terms(std::string("a\0b", 3)), (Strings{"a", "b"}));
  EXPECT_TRUE(Terms("").empty());
}

TEST(SearchTermsTest, QueryWordsAreWhatWhitespaceSeparates) {
  EXPECT_EQ(SplitQueryWords("  a\tb\u3000c\nd's  "),
            (std::vector<std::string_view>{"a", "b", "c", "d's"}));
  EXPECT_TRUE(SplitQueryWords(" \t\n").empty());
}

std::string Snippet(std::string_view text, const std::vector<Strings>& phrases) {
  std::vector<SearchTerm> terms = SplitSearchTerms(text);
  Strings folded;
  for (const SearchTerm& term : terms) folded.emplace_back(term.text);
  return CutSnippet(text, terms, folded, phrases);
}

TEST(SearchSnippetTest, MarksEachPhraseOccurrence) {
  EXPECT_EQ(Snippet("你好世界", {{"世", "界"}}), "你好\uE000世界\uE001");
  EXPECT_EQ(Snippet("a b a b", {{"a", "b"}}), "\uE000a b\uE001 \uE000a b\uE001");
  EXPECT_EQ(Snippet("x y z", {{"x"}, {"z"}}), "\uE000x\uE001 y \uE000z\uE001");
  EXPECT_EQ(Snippet("a a a", {{"a", "a"}}), "\uE000a a a\uE001");  // overlaps merge
  EXPECT_EQ(Snippet("no hit here", {{"gone"}}), "no hit here");
}

TEST(SearchSnippetTest, CutsAWindowAroundTheHits) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "w" + std::to_string(i) + " ";
  const std::string snippet = Snippet(text, {{"w30"}});
  EXPECT_TRUE(snippet.starts_with("\u2026")) << snippet;
  EXPECT_TRUE(snippet.ends_with("\u2026")) << snippet;
  EXPECT_NE(snippet.find("\uE000w30\uE001"), std::string::npos) << snippet;
  EXPECT_EQ(SplitSearchTerms(snippet).size(), kSnippetTerms);
  EXPECT_TRUE(Snippet(text, {{"w0"}}).starts_with("\uE000w0\uE001"));  // no leading ellipsis
}

}  // namespace
}  // namespace parley::store
