// libFuzzer target: the search page cursor a client sends back as `before`
// (proto::DecodeSearchCursor). Contract: a position of three non-negative numbers or
// kMalformed; a decoded cursor encodes back to a cursor that decodes to the same position.
#include "proto/search_bodies.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  auto position = proto::DecodeSearchCursor(fuzz::AsText(data, size));
  fuzz::CheckResult(position, {Code::kMalformed});
  if (!position.ok()) return 0;
  PARLEY_FUZZ_CHECK(position->created_at >= 0 && position->conversation_id >= 0 &&
                    position->seq >= 0);
  auto again = proto::DecodeSearchCursor(proto::EncodeSearchCursor(*position));
  PARLEY_FUZZ_CHECK(again.ok() && again->created_at == position->created_at &&
                    again->conversation_id == position->conversation_id &&
                    again->seq == position->seq);
  return 0;
}
