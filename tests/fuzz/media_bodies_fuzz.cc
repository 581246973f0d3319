// libFuzzer target: the upload request body (proto::DecodeNewUpload).
// Contract: a request or kMalformed with a message; the name and kind are valid UTF-8.
#include "base/utf8.h"
#include "proto/media_bodies.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  auto upload = proto::DecodeNewUpload(fuzz::AsText(data, size));
  fuzz::CheckResult(upload, {Code::kMalformed});
  if (upload.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(upload->name) && IsValidUtf8(upload->kind));
  return 0;
}
