// JsonWriter: appends compact JSON to a string, fast and allocation-light, for the frames the
// server sends (every delivered message is encoded with it exactly once).
//
// The caller is responsible for well-formed nesting (Begin/End pairs, Key before each value in
// an object). Strings must be valid UTF-8 (the server only stores validated text); they are
// escaped per RFC 8259 (quotes, backslash, control characters).
// Not thread-safe; one writer per output string.
#ifndef PARLEY_BASE_JSON_WRITER_H_
#define PARLEY_BASE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace parley {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is already JSON, written as is. Only for JSON the server itself produced
  // (event payloads it stored); never for client input.
  JsonWriter& Raw(std::string_view json);

  // Shorthands for a key followed by its value.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }

 private:
  void Separate();

  std::string* out_;          // not owned; must outlive the writer
  bool needs_comma_ = false;  // a value was written at the current nesting level
};

}  // namespace parley

#endif  // PARLEY_BASE_JSON_WRITER_H_
