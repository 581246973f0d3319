// libFuzzer target: parleyd's config file (`--config FILE`, app::ParseConfig). The input is
// written to a file and read through the real path; its lines are also given as command-line
// words (except any naming a config file). Contract: a Config or kInvalidArgument with a message; a
// parsed config keeps its numbers inside the ranges --help states (spot-checked on the sizes that
// bound memory).
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "app/config.h"
#include "tests/fuzz/fuzz_contract.h"
#include "tests/support/temp_dir.h"

namespace {

const std::string& ConfigPath() {
  static parley::testing_support::TempDir dir;
  static const std::string path = dir.path() + "/parleyd.conf";
  return path;
}

void CheckConfig(const parley::Result<parley::app::Config>& config) {
  using parley::Code;
  parley::fuzz::CheckResult(config, {Code::kInvalidArgument});
  if (!config.ok()) return;
  PARLEY_FUZZ_CHECK(!config->data_dir.empty());
  PARLEY_FUZZ_CHECK(config->server.max_body_bytes >= 1024 &&
                    config->server.max_body_bytes <= (64u << 20));
  PARLEY_FUZZ_CHECK(config->server.io_threads >= 1 && config->server.worker_threads >= 1);
  PARLEY_FUZZ_CHECK(config->media.chunk_bytes >= 1024 && config->media.chunk_bytes <= (64 << 20));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string text(fuzz::AsText(data, size));
  {
    std::ofstream file(ConfigPath(), std::ios::binary | std::ios::trunc);
    file << text;
  }
  CheckConfig(app::ParseConfig({"--config", ConfigPath()}));

  std::vector<std::string> words;
  for (size_t start = 0; start <= text.size() && words.size() < 64;) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string word = text.substr(start, end - start);
    start = end + 1;
    // A config file named on the command line is the operator's choice of any path; the file
    // form above already covers what such a file holds.
    if (word.find("config") == std::string::npos) words.push_back(std::move(word));
  }
  CheckConfig(app::ParseConfig(words));
  return 0;
}
