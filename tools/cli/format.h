// Text rendering for the CLI: times and messages. Stateless except UserNames, a plain cache.
#ifndef PARLEY_TOOLS_CLI_FORMAT_H_
#define PARLEY_TOOLS_CLI_FORMAT_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace parley::cli {

// "HH:MM" in local time, from Unix milliseconds.
std::string FormatClock(int64_t unix_ms);
// "YYYY-MM-DD HH:MM" in local time; "-" for 0.
std::string FormatDateTime(int64_t unix_ms);

// User id -> username, for the ids this client has learned ("user#7" otherwise).
class UserNames {
 public:
  void Add(int64_t id, std::string name) { names_[id] = std::move(name); }
  std::string NameOf(int64_t id) const;

 private:
  std::map<int64_t, std::string> names_;
};

// "[HH:MM] alice: text" for a message object.
std::string FormatMessage(const nlohmann::json& message, const UserNames& names);

}  // namespace parley::cli

#endif  // PARLEY_TOOLS_CLI_FORMAT_H_
