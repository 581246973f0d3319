#include "proto/json_reader.h"

#include "base/utf8.h"

namespace parley::proto {
namespace {

constexpr int kMaxDepth = 16;

Status Missing(std::string_view key) {
  return Status(Code::kMalformed, "field '" + std::string(key) + "' is missing");
}

Status WrongType(std::string_view key, std::string_view type) {
  return Status(Code::kMalformed, "field '" + std::string(key) + "' must be " + std::string(type));
}

const nlohmann::json* Find(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// Whether any bracket of `text` opens more than kMaxDepth levels deep, counting only brackets
// outside strings. Never false for a text the parser's depth limit would cut (that limit counts
// from the top-level object's values, one level further); invalid JSON is left to the parser.
bool NestsTooDeeply(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// Whether a string of `text` holds the escape \u0000: no text Parley keeps may hold U+0000
// (PostgreSQL's text cannot, and no person types it). Raw control characters are invalid JSON
// already; invalid JSON is left to the parser.
bool HoldsNulEscape(std::string_view text) {
  for (size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i)) {
    if (text.substr(i + 1, 5) == "u0000") return true;
    i += 2;  // the escaped character is never the start of another escape
  }
  return false;
}

}  // namespace

ParsedObject ParseObjectKeepingShallowFields(std::string_view text) {
  if (!IsValidUtf8(text)) return {nullptr, Status(Code::kMalformed, "not valid UTF-8")};
  if (HoldsNulEscape(text)) {
    return {nullptr, Status(Code::kMalformed, "strings may not hold U+0000")};
  }
  // nlohmann parses iteratively, but builds the whole tree; a tree too deep to destroy without
  // deep recursion is never built. Nesting within the limit (every frame a client means to
  // send) takes the plain parser; only a frame nesting deeper pays for the parser with a
  // callback, which drops the too-deep values before they are built (30x slower: a 340 KB
  // hello takes 100 ms that way, 3 ms without).
  if (!NestsTooDeeply(text)) {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return {nullptr, Status(Code::kMalformed, "not valid JSON")};
    if (!value.is_object()) return {nullptr, Status(Code::kMalformed, "expected a JSON object")};
    return {std::move(value), Status::Ok()};
  }
  bool too_deep = false;
  auto limit_depth = [&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth <= kMaxDepth) return true;
    too_deep = true;
    return false;
  };
  nlohmann::json value = nlohmann::json::parse(text, limit_depth, /*allow_exceptions=*/false);
  if (value.is_discarded()) return {nullptr, Status(Code::kMalformed, "not valid JSON")};
  if (!value.is_object()) return {nullptr, Status(Code::kMalformed, "expected a JSON object")};
  if (too_deep) return {std::move(value), Status(Code::kMalformed, "JSON nested too deeply")};
  return {std::move(value), Status::Ok()};
}

Result<nlohmann::json> ParseObject(std::string_view text) {
  ParsedObject parsed = ParseObjectKeepingShallowFields(text);
  if (!parsed.status.ok()) return parsed.status;
  return std::move(parsed.object);
}

Result<std::string> RequiredString(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = Find(object, key);
  if (value == nullptr) return Missing(key);
  if (!value->is_string()) return WrongType(key, "a string");
  return value->get<std::string>();
}

Result<std::string> StringFieldOf(std::string_view body, std::string_view key) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return RequiredString(*object, key);
}

Result<int64_t> RequiredInt(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = Find(object, key);
  if (value == nullptr) return Missing(key);
  if (!value->is_number_integer()) return WrongType(key, "an integer");
  if (value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX) {
    return WrongType(key, "an integer below 2^63");
  }
  return value->get<int64_t>();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  std::string_view key) {
  if (Find(object, key) == nullptr) return std::optional<std::string>();
  auto value = RequiredString(object, key);
  if (!value.ok()) return value.status();
  return std::optional<std::string>(std::move(*value));
}

Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& object, std::string_view key) {
  if (Find(object, key) == nullptr) return std::optional<int64_t>();
  auto value = RequiredInt(object, key);
  if (!value.ok()) return value.status();
  return std::optional<int64_t>(*value);
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) {
    return Status(Code::kMalformed, "field '" + std::string(key) + "' must be a boolean");
  }
  return std::optional<bool>(it->get<bool>());
}

Result<std::vector<int64_t>> IdList(const nlohmann::json& object, std::string_view key,
                                    bool required) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Status(Code::kMalformed, "field '" + std::string(key) + "' is missing");
    return std::vector<int64_t>();
  }
  const Status malformed(Code::kMalformed,
                         "field '" + std::string(key) + "' must be an array of user ids");
  if (!it->is_array()) return malformed;
  std::vector<int64_t> ids;
  for (const nlohmann::json& id : *it) {
    if (!id.is_number_integer()) return malformed;
    ids.push_back(id.get<int64_t>());
  }
  return ids;
}

}  // namespace parley::proto
