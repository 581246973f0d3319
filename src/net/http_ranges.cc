#include "net/http_ranges.h"

#include <algorithm>
#include <optional>

namespace parley::net {
namespace {

// A non-negative decimal made of digits only (no sign, no spaces).
std::optional<int64_t> Digits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

Result<ContentRange> ParseContentRange(std::string_view header) {
  const Status bad(Code::kInvalidArgument, "Content-Range must be bytes START-END/TOTAL");
  constexpr std::string_view kUnit = "bytes ";
  if (header.substr(0, kUnit.size()) != kUnit) return bad;
  header.remove_prefix(kUnit.size());
  const size_t dash = header.find('-');
  const size_t slash = header.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return bad;
  }
  auto start = Digits(header.substr(0, dash));
  auto end = Digits(header.substr(dash + 1, slash - dash - 1));
  auto total = Digits(header.substr(slash + 1));
  if (!start || !end || !total || *start > *end || *end >= *total) return bad;
  return ContentRange{*start, *end, *total};
}

ByteRange ParseRange(std::string_view header, int64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return ByteRange{};
  header.remove_prefix(kUnit.size());
  const size_t dash = header.find('-');
  if (dash == std::string_view::npos || header.find(',') != std::string_view::npos) {
    return ByteRange{};
  }
  const std::string_view first_text = header.substr(0, dash);
  const std::string_view last_text = header.substr(dash + 1);
  if (first_text.empty()) {
    // "-N": the last N bytes.
    auto suffix = Digits(last_text);
    if (!suffix) return ByteRange{};
    if (*suffix == 0 || size == 0) return ByteRange{ByteRange::Kind::kUnsatisfiable};
    return ByteRange{ByteRange::Kind::kPart, size - std::min(*suffix, size), size - 1};
  }
  auto first = Digits(first_text);
  if (!first) return ByteRange{};
  int64_t last = size - 1;
  if (!last_text.empty()) {
    auto given = Digits(last_text);
    if (!given || *given < *first) return ByteRange{};
    last = std::min(*given, size - 1);
  }
  if (*first >= size) return ByteRange{ByteRange::Kind::kUnsatisfiable};
  return ByteRange{ByteRange::Kind::kPart, *first, last};
}

}  // namespace parley::net
