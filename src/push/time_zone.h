// TimeZones: a user's UTC offset at a given time, from the system's IANA time zone database
// (TZif files, RFC 8536, under /usr/share/zoneinfo), for do-not-disturb hours in the user's own
// time zone. GCC 12's library has no std::chrono::tzdb, so the files are read here: the 64-bit
// (version 2+) transitions; after the last transition the last offset holds (the installed
// "fat" files list transitions to 2037).
//
// Thread-safe: zones are read once and cached (at most kMaxZones names, ~600 exist).
#ifndef PARLEY_PUSH_TIME_ZONE_H_
#define PARLEY_PUSH_TIME_ZONE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace parley::push {

// A zone's offsets: transitions[i] (UTC seconds) starts offsets[i] (seconds east of UTC);
// `initial` holds before the first.
struct ZoneRules {
  int32_t initial = 0;
  std::vector<int64_t> transitions;
  std::vector<int32_t> offsets;
  int32_t OffsetAt(int64_t utc_s) const;
};

// Parses a TZif file's bytes. kInvalidArgument unless they are TZif version 2 or later, whole.
Result<ZoneRules> ParseTzif(std::string_view bytes);

class TimeZones {
 public:
  static constexpr size_t kMaxZones = 1000;
  explicit TimeZones(std::string directory = "/usr/share/zoneinfo")
      : directory_(std::move(directory)) {}
  // Seconds east of UTC in zone `name` ("Europe/Paris") at `utc_s`; 0 for "", "UTC" and any
  // name that is not a readable zone (a user's time zone is only checked for its shape).
  int32_t OffsetAt(std::string_view name, int64_t utc_s);

 private:
  const std::string directory_;
  std::mutex mutex_;
  std::map<std::string, ZoneRules, std::less<>> zones_;  // guarded by mutex_
};

// Do-not-disturb hours: minutes after local midnight; [start, end), across midnight when
// end < start (22:00 to 07:00). Never quiet when start == end.
struct QuietHours {
  int start_minute = 0;
  int end_minute = 0;
  bool Contains(int local_minute) const;
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_TIME_ZONE_H_
