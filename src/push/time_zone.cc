#include "push/time_zone.h"

#include <algorithm>
#include <fstream>

namespace parley::push {
namespace {

constexpr size_t kHeaderBytes = 44;
constexpr size_t kMaxTzifBytes = 256 * 1024;

uint32_t Be32(std::string_view b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16) |
         (uint32_t(uint8_t(b[at + 2])) << 8) | uint32_t(uint8_t(b[at + 3]));
}
int64_t Be64(std::string_view b, size_t at) {
  return static_cast<int64_t>((uint64_t(Be32(b, at)) << 32) | Be32(b, at + 4));
}

struct Counts {
  size_t isut, isstd, leap, time, type, chars;
  size_t DataBytes(size_t time_size) const {
    return time * time_size + time + type * 6 + chars + leap * (time_size + 4) + isstd + isut;
  }
};

bool ReadHeader(std::string_view b, size_t at, Counts& c) {
  if (b.size() < at + kHeaderBytes || b.substr(at, 4) != "TZif") return false;
  c = {Be32(b, at + 20), Be32(b, at + 24), Be32(b, at + 28),
       Be32(b, at + 32), Be32(b, at + 36), Be32(b, at + 40)};
  return c.type > 0 && c.time < 100000 && c.type < 256 && c.chars < 1024 && c.leap < 1000 &&
         c.isut <= c.type && c.isstd <= c.type;
}

}  // namespace

int32_t ZoneRules::OffsetAt(int64_t utc_s) const {
  auto after = std::upper_bound(transitions.begin(), transitions.end(), utc_s);
  if (after == transitions.begin()) return initial;
  return offsets[static_cast<size_t>(after - transitions.begin()) - 1];
}

Result<ZoneRules> ParseTzif(std::string_view b) {
  const Status bad(Code::kInvalidArgument, "not a TZif (version 2+) file");
  Counts v1{};
  if (!ReadHeader(b, 0, v1) || b[4] < '2') return bad;
  const size_t second = kHeaderBytes + v1.DataBytes(4);
  Counts c{};
  if (!ReadHeader(b, second, c)) return bad;
  const size_t data = second + kHeaderBytes;
  if (b.size() < data + c.DataBytes(8)) return bad;
  const size_t indices = data + c.time * 8;
  const size_t types = indices + c.time;
  auto offset_of = [&](size_t type) { return static_cast<int32_t>(Be32(b, types + type * 6)); };
  ZoneRules rules;
  rules.initial = offset_of(0);
  for (size_t i = 0; i < c.time; ++i) {
    const size_t type = uint8_t(b[indices + i]);
    const int64_t at = Be64(b, data + i * 8);
    if (type >= c.type || (i > 0 && at <= rules.transitions.back())) return bad;
    rules.transitions.push_back(at);
    rules.offsets.push_back(offset_of(type));
  }
  for (int32_t offset : rules.offsets) {
    if (offset < -26 * 3600 || offset > 26 * 3600) return bad;
  }
  return rules;
}

int32_t TimeZones::OffsetAt(std::string_view name, int64_t utc_s) {
  if (name.empty() || name == "UTC") return 0;
  // Names are checked for their shape when users set them; never leave the directory anyway.
  if (name.find("..") != std::string_view::npos || name.front() == '/') return 0;
  std::lock_guard lock(mutex_);
  auto found = zones_.find(name);
  if (found == zones_.end()) {
    if (zones_.size() >= kMaxZones) return 0;
    ZoneRules rules;  // an unreadable zone caches as UTC
    std::ifstream in(directory_ + "/" + std::string(name), std::ios::binary);
    std::string bytes(kMaxTzifBytes, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(in.gcount()));
    if (auto parsed = ParseTzif(bytes); parsed.ok()) rules = std::move(*parsed);
    found = zones_.emplace(std::string(name), std::move(rules)).first;
  }
  return found->second.OffsetAt(utc_s);
}

bool QuietHours::Contains(int local_minute) const {
  if (start_minute == end_minute) return false;
  if (start_minute < end_minute) return local_minute >= start_minute && local_minute < end_minute;
  return local_minute >= start_minute || local_minute < end_minute;
}

}  // namespace parley::push
