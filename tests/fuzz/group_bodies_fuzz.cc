// libFuzzer target: the group bodies of the HTTP API (proto/group_bodies.h), every decoder on
// each input. Contract: a value or kMalformed (kInvalidArgument only where the header says so:
// an unknown role); names and codes are valid UTF-8.
#include "base/utf8.h"
#include "proto/group_bodies.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string_view body = fuzz::AsText(data, size);
  auto group = proto::DecodeNewGroup(body);
  fuzz::CheckResult(group, {Code::kMalformed});
  if (group.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(group->name) && IsValidUtf8(group->topic));
  auto patch = proto::DecodeGroupPatch(body);
  fuzz::CheckResult(patch, {Code::kMalformed});
  if (patch.ok()) PARLEY_FUZZ_CHECK(patch->name || patch->topic || patch->is_public);
  fuzz::CheckResult(proto::DecodeUsers(body), {Code::kMalformed});
  fuzz::CheckResult(proto::DecodeRole(body), {Code::kMalformed, Code::kInvalidArgument});
  fuzz::CheckResult(proto::DecodeUser(body), {Code::kMalformed});
  fuzz::CheckResult(proto::DecodeMute(body), {Code::kMalformed});
  fuzz::CheckResult(proto::DecodeInvite(body), {Code::kMalformed});
  auto join = proto::DecodeJoin(body);
  fuzz::CheckResult(join, {Code::kMalformed});
  if (join.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(*join));
  return 0;
}
