// The XMPP port of a parleyd an e2e test started with --xmpp-listen 127.0.0.1:0: read from the
// line it prints, "parleyd xmpp on 127.0.0.1:PORT".
#ifndef PARLEY_TESTS_E2E_XMPP_PORT_H_
#define PARLEY_TESTS_E2E_XMPP_PORT_H_

#include <chrono>
#include <cstdint>
#include <regex>
#include <string>

#include "tests/e2e/server_process.h"

namespace parley::e2e {

// 0 if the server printed no XMPP port within 5 s.
inline uint16_t XmppPortOf(ServerProcess& server) {
  if (!server.WaitForOutput("parleyd xmpp on", std::chrono::seconds(5))) return 0;
  std::smatch match;
  const std::string output = server.output();
  if (!std::regex_search(output, match, std::regex("parleyd xmpp on 127\\.0\\.0\\.1:(\\d+)"))) {
    return 0;
  }
  return static_cast<uint16_t>(std::stoi(match[1]));
}

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_XMPP_PORT_H_
