// libFuzzer target: the server-admin bodies (proto/admin_requests.h).
// Contract: a value or kMalformed with a message (a resolution also kInvalidArgument for an
// unknown action); notice texts and report reasons are valid UTF-8.
#include "base/utf8.h"
#include "proto/admin_requests.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string_view body = fuzz::AsText(data, size);
  auto notice = proto::DecodeNotice(body);
  fuzz::CheckResult(notice, {Code::kMalformed});
  if (notice.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(notice->text));
  fuzz::CheckResult(proto::DecodeAdminRole(body), {Code::kMalformed});
  auto report = proto::DecodeReport(body);
  fuzz::CheckResult(report, {Code::kMalformed});
  if (report.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(report->reason));
  fuzz::CheckResult(proto::DecodeResolution(body), {Code::kMalformed, Code::kInvalidArgument});
  return 0;
}
