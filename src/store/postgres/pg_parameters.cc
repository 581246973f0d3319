#include "store/postgres/pg_parameters.h"

#include <cstddef>

namespace parley::store::postgres {
namespace {

constexpr int kMaxParameters = 65535;  // the wire protocol's limit (a 16-bit count)

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || IsDigit(c) || c == '$'; }

// The end (one past) of the quoted text that opens at `start` with `quote`; a doubled quote
// stands for itself, and with `backslash_escapes` a backslash escapes the next character. An
// unterminated one runs to the end: the server reports it.
size_t QuotedEnd(std::string_view sql, size_t start, char quote, bool backslash_escapes) {
  size_t i = start + 1;
  while (i < sql.size()) {
    char c = sql[i];
    if (backslash_escapes && c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return sql.size();
}

size_t BlockCommentEnd(std::string_view sql, size_t start) {
  int depth = 0;
  size_t i = start;
  while (i + 1 < sql.size()) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return sql.size();
}

// The dollar-quote delimiter ("$$" or "$tag$") that starts at `start`, or "" if none does.
std::string_view DollarTag(std::string_view sql, size_t start) {
  size_t i = start + 1;
  if (i < sql.size() && IsIdentifierStart(sql[i])) {
    while (i < sql.size() && IsIdentifierChar(sql[i]) && sql[i] != '$') ++i;
  }
  if (i < sql.size() && sql[i] == '$') return sql.substr(start, i + 1 - start);
  return {};
}

}  // namespace

Result<PgSql> RewriteParameters(std::string_view sql) {
  PgSql out;
  out.text.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const bool after_identifier = i > 0 && IsIdentifierChar(sql[i - 1]);
    size_t end = i + 1;  // one past the token copied unchanged
    if (c == '\'') {
      // E'...' (an escape string) when the E is a token of its own, not an identifier's end.
      const bool escape_string = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                                 !(i > 1 && IsIdentifierChar(sql[i - 2]));
      end = QuotedEnd(sql, i, '\'', escape_string);
    } else if (c == '"') {
      end = QuotedEnd(sql, i, '"', false);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      end = BlockCommentEnd(sql, i);
    } else if (c == '$' && !after_identifier) {
      if (std::string_view tag = DollarTag(sql, i); !tag.empty()) {
        size_t close = sql.find(tag, i + tag.size());
        end = close == std::string_view::npos ? sql.size() : close + tag.size();
      }
    } else if (c == '?') {
      size_t digits_end = i + 1;
      int number = 0;
      while (digits_end < sql.size() && IsDigit(sql[digits_end]) && number <= kMaxParameters) {
        number = number * 10 + (sql[digits_end] - '0');
        ++digits_end;
      }
      if (digits_end == i + 1) {
        return Status(Code::kInternal, "postgres: a bare \"?\" at offset " + std::to_string(i) +
                                           " (parameters are numbered: ?1, ?2, ...)");
      }
      if (number < 1 || number > kMaxParameters) {
        return Status(Code::kInternal,
                      "postgres: parameter number out of range at offset " + std::to_string(i));
      }
      out.text += '$';
      out.text.append(sql.substr(i + 1, digits_end - i - 1));
      if (number > out.parameter_count) out.parameter_count = number;
      i = digits_end;
      continue;
    }
    out.text.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace parley::store::postgres
