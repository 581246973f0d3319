// Byte ranges over HTTP: the Content-Range of an upload chunk and the Range of a download.
// Pure functions; thread-safe. Only the forms Parley uses are accepted: one range, in bytes.
#ifndef PARLEY_NET_HTTP_RANGES_H_
#define PARLEY_NET_HTTP_RANGES_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace parley::net {

// "bytes START-END/TOTAL": bytes START..END (inclusive) of TOTAL. kInvalidArgument unless it
// is exactly that, with decimal numbers, START <= END < TOTAL.
struct ContentRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t total = 0;
};
Result<ContentRange> ParseContentRange(std::string_view header);

// What a Range header asks of a file of `size` bytes. A missing header, another unit, several
// ranges or a syntax error ask for the whole file (RFC 9110 lets a server ignore Range); a
// single range that starts at or past the end is unsatisfiable (416).
struct ByteRange {
  enum class Kind { kWhole, kPart, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  int64_t first = 0;  // kPart: bytes first..last, inclusive
  int64_t last = 0;
};
ByteRange ParseRange(std::string_view header, int64_t size);

}  // namespace parley::net

#endif  // PARLEY_NET_HTTP_RANGES_H_
