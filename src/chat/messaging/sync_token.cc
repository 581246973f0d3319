#include "chat/messaging/sync_token.h"

#include <algorithm>
#include <charconv>

namespace parley::chat {
namespace {

constexpr std::string_view kVersionPrefix = "1.";
constexpr size_t kMaxEpochChars = 32;
constexpr size_t kMaxNumberChars = 18;  // below 2^63: no overflow to check

// The text before the next '.' (all of `rest` when there is none), consumed with the dot.
std::string_view NextPart(std::string_view& rest) {
  const size_t dot = rest.find('.');
  const std::string_view part = rest.substr(0, dot);
  rest.remove_prefix(dot == std::string_view::npos ? rest.size() : dot + 1);
  return part;
}

// A plain decimal: digits only, no sign, no leading zero unless it is "0".
std::optional<int64_t> ParseNumber(std::string_view text) {
  if (text.empty() || text.size() > kMaxNumberChars) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

bool IsEpoch(std::string_view text) {
  return !text.empty() && text.size() <= kMaxEpochChars &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string EncodeSyncToken(const SyncToken& token) {
  return std::string(kVersionPrefix) + token.point.epoch + "." + std::to_string(token.user_id) +
         "." + std::to_string(token.point.version);
}

std::optional<SyncToken> DecodeSyncToken(std::string_view text) {
  if (text.size() > kMaxSyncTokenBytes || !text.starts_with(kVersionPrefix)) return std::nullopt;
  std::string_view rest = text.substr(kVersionPrefix.size());
  const std::string_view epoch = NextPart(rest);
  const std::optional<int64_t> user_id = ParseNumber(NextPart(rest));
  // The version is the last part: a further dot leaves a non-digit in it.
  const std::optional<int64_t> version = ParseNumber(rest);
  if (!IsEpoch(epoch) || !user_id || *user_id <= 0 || !version) return std::nullopt;
  return SyncToken{*user_id, store::SyncPoint{std::string(epoch), *version}};
}

}  // namespace parley::chat
