// libFuzzer target: the push bodies of the HTTP API (proto/push_bodies.h) and the rules a
// registration then passes (push/target_rules.h: the endpoint URL, the subscription keys).
// Contract: a value or kMalformed / kInvalidArgument with a message; FCM and APNs tokens pass
// their checks or get kInvalidArgument (an accepted APNs token holds no '/'); decoded quiet
// hours are minutes of a day; a decoded registration's
// keys are at most 256 characters; an accepted endpoint is printable ASCII whose origin is a
// prefix of it; accepted keys decode to 65 and 16 bytes.
#include "proto/push_bodies.h"
#include "push/target_rules.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string_view body = fuzz::AsText(data, size);
  auto registration = proto::DecodeTargetRegistration(body);
  fuzz::CheckResult(registration, {Code::kMalformed, Code::kInvalidArgument});
  if (registration.ok()) {
    PARLEY_FUZZ_CHECK(registration->p256dh.size() <= 256 && registration->auth.size() <= 256);
    auto url = push::ParseEndpoint(registration->endpoint, true);
    fuzz::CheckResult(url, {Code::kInvalidArgument});
    if (url.ok()) {
      PARLEY_FUZZ_CHECK(registration->endpoint.starts_with(url->origin));
      for (char c : registration->endpoint) PARLEY_FUZZ_CHECK(c > 0x20 && c < 0x7f);
    }
    push::Target target;
    Status keys = push::DecodeSubscriptionKeys(registration->p256dh, registration->auth, target);
    if (!keys.ok()) fuzz::CheckTypedError(keys, {Code::kInvalidArgument});
    if (keys.ok()) PARLEY_FUZZ_CHECK(target.p256dh.size() == 65 && target.auth.size() == 16);
  }
  if (registration.ok() && registration->provider == push::Provider::kFcm) {
    Status token = push::CheckFcmToken(registration->endpoint);
    if (!token.ok()) fuzz::CheckTypedError(token, {Code::kInvalidArgument});
  }
  if (registration.ok() && registration->provider == push::Provider::kApns) {
    Status token = push::CheckApnsToken(registration->endpoint);
    if (!token.ok()) fuzz::CheckTypedError(token, {Code::kInvalidArgument});
    if (token.ok()) PARLEY_FUZZ_CHECK(registration->endpoint.find('/') == std::string::npos);
  }
  auto settings = proto::DecodePushSettings(body);
  fuzz::CheckResult(settings, {Code::kMalformed, Code::kInvalidArgument});
  if (settings.ok()) {
    PARLEY_FUZZ_CHECK(settings->preview || settings->quiet_hours);
    if (settings->quiet_hours && *settings->quiet_hours) {
      const push::QuietHours& hours = **settings->quiet_hours;
      PARLEY_FUZZ_CHECK(hours.start_minute >= 0 && hours.start_minute < 1440);
      PARLEY_FUZZ_CHECK(hours.end_minute >= 0 && hours.end_minute < 1440);
    }
  }
  fuzz::CheckResult(proto::DecodePushMute(body), {Code::kMalformed});
  return 0;
}
