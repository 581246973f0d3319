// Helpers for reading untrusted JSON objects (frames and HTTP bodies) into typed fields.
// Every failure is a Status with Code::kMalformed naming the field, so a client learns
// exactly what was wrong. Used only inside proto/; nlohmann::json does not leave this module.
#ifndef PARLEY_PROTO_JSON_READER_H_
#define PARLEY_PROTO_JSON_READER_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace parley::proto {

// Parses `text` as one JSON object. Rejects invalid UTF-8, nesting deeper than 16 levels and
// anything that is not an object.
Result<nlohmann::json> ParseObject(std::string_view text);

// The same, but keeps what could be read: when the only problem is nesting that is too deep,
// `object` holds the top-level object without the too-deep values, so a reply can still echo
// the frame's request tag. Otherwise `object` is null whenever `status` is not OK.
struct ParsedObject {
  nlohmann::json object;
  Status status;
};
ParsedObject ParseObjectKeepingShallowFields(std::string_view text);

// Required fields fail with "field 'x' is missing" or "field 'x' must be a string".
Result<std::string> RequiredString(const nlohmann::json& object, std::string_view key);
Result<int64_t> RequiredInt(const nlohmann::json& object, std::string_view key);
// A body that is one object with the string field `key` (others ignored): its value.
Result<std::string> StringFieldOf(std::string_view body, std::string_view key);
// Optional fields: absent or null gives nullopt (or the fallback); a wrong type still fails.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  std::string_view key);
Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& object, std::string_view key);
Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, std::string_view key);
// An array of integer ids; absent or null is an empty list, or "missing" when `required`.
Result<std::vector<int64_t>> IdList(const nlohmann::json& object, std::string_view key,
                                    bool required);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_JSON_READER_H_
