#include "store/search_terms.h"

#include <optional>
#include <string>

#include "base/utf8.h"

namespace parley::store {
namespace {

// Code points that are not letters, digits or private-use characters, by block: what
// unicode61 (default categories L* N* Co) treats as separators, closely enough for search.
// Combining marks belong to the word they follow (unicode61 keeps them in the token and
// removes them with the diacritics): "e" + U+0301 is part of "été" spelled decomposed.
bool IsCombiningMark(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F);
}

bool IsSeparator(char32_t c) {
  if (c < 0x80) {
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  }
  if (c <= 0xBF) {  // Latin-1 punctuation and symbols, but ª ² ³ µ ¹ º ¼ ½ ¾
    return c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB5 && c != 0xB9 && c != 0xBA &&
           !(c >= 0xBC && c <= 0xBE);
  }
  if (IsCombiningMark(c)) return false;
  return c == 0xD7 || c == 0xF7 ||        // × ÷
         (c >= 0x2000 && c <= 0x206F) ||  // general punctuation, ZWJ
         (c >= 0x20A0 && c <= 0x20CF) ||  // currency
         (c >= 0x2190 && c <= 0x23FF) ||  // arrows, math, technical
         (c >= 0x2500 && c <= 0x27BF) ||  // boxes, shapes, misc symbols, dingbats
         (c >= 0x27C0 && c <= 0x2BFF) ||  // more math, arrows, symbols
         (c >= 0x2E00 && c <= 0x2E7F) ||  // supplemental punctuation
         (c >= 0x3000 && c <= 0x303F && !IsCjkForSearch(c)) ||  // CJK symbols, punctuation
         (c >= 0xFE00 && c <= 0xFE6F) ||                        // variation selectors, small forms
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||  // fullwidth
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||  // punctuation
         (c >= 0xFFF0 && c <= 0xFFFF) ||                                  // specials (U+FFFD)
         (c >= 0x1F000 && c <= 0x1FAFF) ||  // emoji, pictographs, game symbols
         (c >= 0xE0000 && c <= 0xE007F);    // tags (flag sequences)
}

bool IsSpaceAt(std::string_view text, size_t pos, size_t* length) {
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c == ' ' || c < 0x20 || c == 0x7F) {
    *length = 1;
    return true;
  }
  if (text.substr(pos, 3) == "\xE3\x80\x80") {  // U+3000 IDEOGRAPHIC SPACE
    *length = 3;
    return true;
  }
  return false;
}

}  // namespace

bool IsCjkForSearch(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x3005 && c <= 0x3007) ||  // 々 〆 〇
         (c >= 0x31F0 && c <= 0x31FF) ||  // katakana phonetic extensions
         (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0xAC00 && c <= 0xD7A3) ||  // hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9D) ||  // halfwidth katakana
         (c >= 0x20000 && c <= 0x3134F);  // CJK extensions B..G, compatibility supplement
}

std::vector<SearchTerm> SplitSearchTerms(std::string_view text) {
  std::vector<SearchTerm> terms;
  constexpr size_t kNone = std::string_view::npos;
  size_t word_start = kNone;  // the start of the letters-and-digits run being read
  auto end_word = [&](size_t at) {
    if (word_start != kNone)
      terms.push_back({text.substr(word_start, at - word_start), word_start, at});
    word_start = kNone;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const std::optional<DecodedCodePoint> decoded = DecodeUtf8At(text, pos);
    if (!decoded || IsSeparator(decoded->code_point)) {
      end_word(pos);
      pos += decoded ? decoded->length : 1;
    } else if (IsCjkForSearch(decoded->code_point)) {
      end_word(pos);
      terms.push_back({text.substr(pos, decoded->length), pos, pos + decoded->length});
      pos += decoded->length;
    } else {
      if (word_start == kNone) word_start = pos;
      pos += decoded->length;
    }
  }
  end_word(text.size());
  return terms;
}

std::string WithoutCombiningMarks(std::string_view term) {
  std::string out;
  size_t pos = 0;
  while (pos < term.size()) {
    const std::optional<DecodedCodePoint> decoded = DecodeUtf8At(term, pos);
    const size_t length = decoded ? decoded->length : 1;
    if (!decoded || !IsCombiningMark(decoded->code_point)) out += term.substr(pos, length);
    pos += length;
  }
  return out;
}

std::vector<std::string_view> SplitQueryWords(std::string_view query) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t space = 0;
    if (IsSpaceAt(query, pos, &space)) {
      pos += space;
      continue;
    }
    size_t end = pos;
    while (end < query.size() && !IsSpaceAt(query, end, &space)) ++end;
    words.push_back(query.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

}  // namespace parley::store
