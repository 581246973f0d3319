// libFuzzer target: a message from the cluster bus (cluster::Decode). Contract: a message, or
// kMalformed or kTooLarge; a decoded message encodes back to exactly the input (the format has
// one spelling per message) and that decodes to an equal message.
#include <string>

#include "cluster/bus_message.h"
#include "tests/fuzz/fuzz_contract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  auto message = cluster::Decode(fuzz::AsText(data, size));
  fuzz::CheckResult(message, {Code::kMalformed, Code::kTooLarge});
  if (!message.ok()) return 0;
  const std::string bytes = cluster::Encode(*message);
  PARLEY_FUZZ_CHECK(bytes == fuzz::AsText(data, size));
  auto again = cluster::Decode(bytes);
  PARLEY_FUZZ_CHECK(again.ok() && *again == *message);
  return 0;
}
