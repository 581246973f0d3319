// Precompiled header of the test programs (tests/CMakeLists.txt, parley_test): the headers most
// test files include, parsed once per build instead of once per file. GoogleTest is in nearly
// every file and nlohmann/json comes with the client library's headers (tools/client) that the
// end-to-end tests include. Only standard and third-party headers: a change to Parley's own
// headers never rebuilds it.
// clang-format off
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
// clang-format on
