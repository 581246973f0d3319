// libFuzzer target: the social bodies of the HTTP API (friend request, profile update;
// proto/social_frames.h). Contract: a value or kMalformed with a message; strings are valid
// UTF-8; a profile update changes at least one field.
#include "base/utf8.h"
#include "proto/social_frames.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string_view body = fuzz::AsText(data, size);
  auto request = proto::DecodeFriendRequest(body);
  fuzz::CheckResult(request, {Code::kMalformed});
  if (request.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(request->note));
  auto profile = proto::DecodeProfileUpdate(body);
  fuzz::CheckResult(profile, {Code::kMalformed});
  if (profile.ok()) {
    const store::ProfileUpdate& p = *profile;
    PARLEY_FUZZ_CHECK(p.display_name || p.avatar || p.status_line || p.language || p.time_zone);
  }
  return 0;
}
