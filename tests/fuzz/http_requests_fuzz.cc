// libFuzzer target: the account bodies (register, login, password; proto/http_requests.h) and
// the e-mail and password-reset bodies (proto/account_bodies.h).
// Contract: a request or kMalformed with a message; decoded strings are valid UTF-8.
#include "base/utf8.h"
#include "proto/account_bodies.h"
#include "proto/http_requests.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string_view body = fuzz::AsText(data, size);
  auto reg = proto::DecodeRegister(body);
  fuzz::CheckResult(reg, {Code::kMalformed});
  if (reg.ok()) {
    PARLEY_FUZZ_CHECK(IsValidUtf8(reg->username) && IsValidUtf8(reg->password));
    PARLEY_FUZZ_CHECK(!reg->display_name || IsValidUtf8(*reg->display_name));
  }
  auto login = proto::DecodeLogin(body);
  fuzz::CheckResult(login, {Code::kMalformed});
  if (login.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(login->username) && IsValidUtf8(login->device));
  auto password = proto::DecodePassword(body);
  fuzz::CheckResult(password, {Code::kMalformed});
  if (password.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(password->new_password));
  auto email = proto::DecodeSetEmail(body);
  fuzz::CheckResult(email, {Code::kMalformed});
  if (email.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(email->email) && IsValidUtf8(email->password));
  auto verify = proto::DecodeVerifyEmail(body);
  fuzz::CheckResult(verify, {Code::kMalformed});
  if (verify.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(*verify));
  auto reset = proto::DecodeResetRequest(body);
  fuzz::CheckResult(reset, {Code::kMalformed});
  if (reset.ok()) PARLEY_FUZZ_CHECK(IsValidUtf8(*reset));
  auto confirm = proto::DecodeResetConfirm(body);
  fuzz::CheckResult(confirm, {Code::kMalformed});
  if (confirm.ok()) {
    PARLEY_FUZZ_CHECK(IsValidUtf8(confirm->token) && IsValidUtf8(confirm->new_password));
  }
  return 0;
}
