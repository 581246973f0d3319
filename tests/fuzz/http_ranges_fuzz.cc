// libFuzzer target: the Content-Range of an upload chunk and the Range of a download
// (net/http_ranges.h). The first 8 bytes are the file size for Range, the rest the header.
// Contract: a Content-Range is START <= END < TOTAL or kInvalidArgument; a Range part lies
// inside the file; an unsatisfiable range only for a start at or past the end (or an empty
// suffix, or an empty file).
#include <cstring>

#include "net/http_ranges.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  uint64_t raw_size = 0;
  const size_t prefix = size < sizeof(raw_size) ? size : sizeof(raw_size);
  std::memcpy(&raw_size, data, prefix);
  const int64_t file_size = static_cast<int64_t>(raw_size >> 1);  // any size a file may have
  const std::string_view header = fuzz::AsText(data + prefix, size - prefix);

  auto content = net::ParseContentRange(header);
  fuzz::CheckResult(content, {Code::kInvalidArgument});
  if (content.ok()) {
    PARLEY_FUZZ_CHECK(0 <= content->start && content->start <= content->end &&
                      content->end < content->total);
  }
  for (int64_t length : {file_size, int64_t{0}, int64_t{1}, int64_t{1000}}) {
    const net::ByteRange range = net::ParseRange(header, length);
    if (range.kind == net::ByteRange::Kind::kPart) {
      PARLEY_FUZZ_CHECK(0 <= range.first && range.first <= range.last && range.last < length);
    }
    if (range.kind == net::ByteRange::Kind::kWhole) {
      PARLEY_FUZZ_CHECK(range.first == 0 && range.last == 0);
    }
  }
  return 0;
}
