// Unit tests of the JSON writer (base/json_writer.h).
#include "base/json_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace parley {
namespace {

TEST(JsonWriterTest, EscapesEverythingJsonRequires) {
  std::string out;
  JsonWriter(&out).BeginObject().Field("s", std::string_view("a\"b\\c\x01\x1f")).EndObject();
  EXPECT_EQ(out, R"({"s":"a\"b\\c\u0001\u001f"})");
}

}  // namespace
}  // namespace parley
