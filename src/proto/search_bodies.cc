#include "proto/search_bodies.h"

#include <charconv>

#include "base/json_writer.h"
#include "proto/server_frames.h"

namespace parley::proto {
namespace {

// A non-negative decimal int64 with nothing else around it.
bool ParseField(std::string_view digits, int64_t* value) {
  if (digits.empty()) return false;
  auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), *value);
  return error == std::errc() && ptr == digits.data() + digits.size() && *value >= 0;
}

}  // namespace

// "<created_at>.<conversation_id>.<seq>": clients treat it as opaque.
std::string EncodeSearchCursor(const store::SearchPosition& position) {
  return std::to_string(position.created_at) + "." + std::to_string(position.conversation_id) +
         "." + std::to_string(position.seq);
}

Result<store::SearchPosition> DecodeSearchCursor(std::string_view cursor) {
  const Status malformed(Code::kMalformed, "before is not a cursor this server gave");
  const size_t first = cursor.find('.');
  if (first == std::string_view::npos) return malformed;
  const size_t second = cursor.find('.', first + 1);
  if (second == std::string_view::npos) return malformed;
  store::SearchPosition position;
  if (!ParseField(cursor.substr(0, first), &position.created_at) ||
      !ParseField(cursor.substr(first + 1, second - first - 1), &position.conversation_id) ||
      !ParseField(cursor.substr(second + 1), &position.seq)) {
    return malformed;
  }
  return position;
}

std::string SearchBody(const store::SearchPage& page) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("results").BeginArray();
  for (const store::SearchHit& hit : page.hits) {
    w.BeginObject().Key("message").Raw(MessageObject(hit.message)).Field("snippet", hit.snippet);
    w.EndObject();
  }
  w.EndArray();
  if (page.next) w.Field("next", EncodeSearchCursor(*page.next));
  w.EndObject();
  return out;
}

}  // namespace parley::proto
