// XmppStanzaPeer: an @xmpp/client stream (tests/peers/xmpp_social.mjs) for e2e tests that write
// stanzas themselves and check every stanza received, whole: logged in with SCRAM-SHA-256,
// bound, initial presence sent. The same calls as xmpp_social_test.cc's fixture, for tests
// that need several clients of several users.
#ifndef PARLEY_TESTS_E2E_XMPP_STANZA_PEER_H_
#define PARLEY_TESTS_E2E_XMPP_STANZA_PEER_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"

namespace parley::e2e {

class XmppStanzaPeer {
 public:
  // Null (with the reason in `error`) if the client did not come online.
  static std::unique_ptr<XmppStanzaPeer> Connect(uint16_t port, const TestUser& user,
                                                 const std::string& resource, std::string* error) {
    auto peer =
        PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_social.mjs", std::to_string(port), "localhost",
                            user.username, std::string(kTestPassword), resource},
                           PARLEY_PEERS_DIR);
    if (!peer.ok()) {
      *error = peer.status().message();
      return nullptr;
    }
    nlohmann::json online = (*peer)->WaitForLine(
        [](const nlohmann::json& l) { return l["event"] == "online" || l["event"] == "error"; });
    if (online.is_null() || online["event"] != "online") {
      *error = online.is_null() ? "no answer" : online.dump();
      return nullptr;
    }
    std::unique_ptr<XmppStanzaPeer> out(new XmppStanzaPeer(std::move(*peer)));
    out->Write("<presence/>");
    return out;
  }

  void Write(const std::string& xml) {
    peer_->WriteLine(nlohmann::json{{"op", "raw"}, {"xml", xml}}.dump());
  }

  // How many stanzas have arrived so far: later waits look only after it.
  size_t Mark() {
    return peer_->Lines([](const nlohmann::json& l) { return l["event"] == "stanza"; }).size();
  }

  // The first stanza after `after` that contains every one of `parts`; empty if none came.
  std::string Wait(size_t after, const std::vector<std::string>& parts,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    nlohmann::json line = peer_->WaitForLine(
        [&](const nlohmann::json& l) { return Matches(l, after, parts); }, timeout);
    return line.is_null() ? "" : line["xml"].get<std::string>();
  }

  // The stanzas after `after` so far that contain every one of `parts` (no waiting).
  std::vector<std::string> SoFar(size_t after, const std::vector<std::string>& parts) {
    std::vector<std::string> out;
    for (const nlohmann::json& line :
         peer_->Lines([&](const nlohmann::json& l) { return Matches(l, after, parts); })) {
      out.push_back(line["xml"]);
    }
    return out;
  }

  // Sends a stanza with this id and waits for the answer that carries it.
  std::string Ask(const std::string& id, const std::string& xml) {
    const size_t mark = Mark();
    Write(xml);
    return Wait(mark, {"id=\"" + id + "\""});
  }

 private:
  explicit XmppStanzaPeer(std::unique_ptr<PeerProcess> peer) : peer_(std::move(peer)) {}

  static bool Matches(const nlohmann::json& line, size_t after,
                      const std::vector<std::string>& parts) {
    if (line.value("event", "") != "stanza" || line.value("n", size_t{0}) <= after) return false;
    const std::string xml = line.value("xml", "");
    for (const std::string& part : parts) {
      if (xml.find(part) == std::string::npos) return false;
    }
    return true;
  }

  std::unique_ptr<PeerProcess> peer_;
};

inline bool Has(const std::string& xml, std::string_view part) {
  return xml.find(part) != std::string::npos;
}

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_XMPP_STANZA_PEER_H_
