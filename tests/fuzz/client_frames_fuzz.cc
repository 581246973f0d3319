// libFuzzer target: WebSocket client frames (proto::DecodeClientFrame) from arbitrary bytes.
// Contract: a frame or kMalformed / kUnknownType / kTooLarge / kInvalidArgument with a message;
// the echoed req and id are at most 64 bytes; every decoded string is valid UTF-8.
#include <variant>

#include "base/utf8.h"
#include "proto/client_frames.h"
#include "tests/fuzz/fuzz_contract.h"

namespace parley::proto {
namespace {

struct FrameChecks {
  void operator()(const HelloFrame& f) const {
    PARLEY_FUZZ_CHECK(IsValidUtf8(f.token) && f.cursors.size() <= kMaxHelloCursors);
  }
  void operator()(const CursorsFrame& f) const {
    PARLEY_FUZZ_CHECK(f.cursors.size() <= kMaxHelloCursors);
  }
  void operator()(const SendFrame& f) const {
    PARLEY_FUZZ_CHECK(IsValidUtf8(f.client_id) && IsValidUtf8(f.text) && IsValidUtf8(f.media));
  }
  void operator()(const MessageOpFrame& f) const {
    PARLEY_FUZZ_CHECK(IsValidUtf8(f.client_id) && IsValidUtf8(f.text));
  }
  void operator()(const auto&) const {}
};

}  // namespace
}  // namespace parley::proto

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  proto::DecodedFrame decoded = proto::DecodeClientFrame(fuzz::AsText(data, size));
  PARLEY_FUZZ_CHECK(decoded.req.size() <= 64 && decoded.id.size() <= 64);
  PARLEY_FUZZ_CHECK(IsValidUtf8(decoded.req) && IsValidUtf8(decoded.id));
  fuzz::CheckResult(decoded.frame, {Code::kMalformed, Code::kUnknownType, Code::kTooLarge,
                                    Code::kInvalidArgument});
  if (decoded.frame.ok()) std::visit(proto::FrameChecks{}, *decoded.frame);
  return 0;
}
