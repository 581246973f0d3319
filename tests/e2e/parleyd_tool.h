// Parleyd(): runs `parleyd ARGS...` as an operator's command (backup, restore, media migrate,
// migrate-to-postgres) to completion and returns its exit code and output. Header-only: the
// binary's path, PARLEY_PARLEYD_PATH, is a compile definition of each test that includes it.
#ifndef PARLEY_TESTS_E2E_PARLEYD_TOOL_H_
#define PARLEY_TESTS_E2E_PARLEYD_TOOL_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace parley::e2e {

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `text` as one shell word.
inline std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline ToolRun Parleyd(const std::vector<std::string>& args) {
  std::string command = Quote(PARLEY_PARLEYD_PATH);
  for (const std::string& arg : args) command += " " + Quote(arg);
  command += " 2>&1";
  ToolRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.output.append(buffer.data(), got);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_PARLEYD_TOOL_H_
