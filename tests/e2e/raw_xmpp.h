// RawXmpp: a client stream written by hand for the XMPP e2e tests that send what no client
// library would (stream management counters, hostile resumes, markers with chosen ids): a
// RawSocket to parleyd's XMPP port, logged in with SASL PLAIN (the server runs with
// --xmpp-plain-without-tls). Header-only; one thread.
#ifndef PARLEY_TESTS_E2E_RAW_XMPP_H_
#define PARLEY_TESTS_E2E_RAW_XMPP_H_

#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "base/base64.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"

namespace parley::e2e {

inline constexpr std::string_view kRawXmppHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

inline bool Has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

inline std::string AttrOf(const std::string& text, const std::string& element,
                          const std::string& name) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex("<" + element + "[^>]* " + name + "='([^']*)'"))) {
    return "";
  }
  return match[1];
}

// A raw client stream, authenticated with PLAIN (the server runs with
// --xmpp-plain-without-tls), not yet bound.
class RawXmpp {
 public:
  static std::optional<RawXmpp> Login(uint16_t port, const TestUser& user) {
    auto socket = RawSocket::Connect(port);
    if (!socket.ok()) return std::nullopt;
    RawXmpp raw(std::move(*socket));
    if (!raw.Write(kRawXmppHeader) || !raw.ReadFor("</stream:features>")) return std::nullopt;
    raw.Clear();
    const std::string credentials = std::string(1, '\0') + user.username + '\0' + user.password;
    if (!raw.Write("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                   Base64Encode(credentials) + "</auth>") ||
        !raw.ReadFor("<success")) {
      return std::nullopt;
    }
    raw.Clear();
    if (!raw.Write(kRawXmppHeader) || !raw.ReadFor("</stream:features>")) return std::nullopt;
    return raw;
  }

  bool Bind(std::string_view resource) {
    Clear();
    return Write(
               "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
               "<resource>" +
               std::string(resource) + "</resource></bind></iq>") &&
           ReadFor("</iq>");
  }

  // <enable resume='true'/>: the resume id.
  std::string EnableResume() {
    Clear();
    if (!Write("<enable xmlns='urn:xmpp:sm:3' resume='true'/>") || !ReadFor("<enabled")) {
      return "";
    }
    ReadFor("/>");
    return AttrOf(text(), "enabled", "id");
  }

  bool Write(std::string_view data) { return socket_.WriteAll(data); }
  bool ReadFor(std::string_view what,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    socket_.ReadUntil([&](const std::string& in) { return Has(in, what); }, timeout);
    return Has(text(), what);
  }
  // Reads until `count` occurrences of `what` arrived.
  bool ReadCount(std::string_view what, size_t count) {
    auto occurrences = [&](const std::string& in) {
      size_t n = 0;
      for (size_t at = in.find(what); at != std::string::npos; at = in.find(what, at + 1)) ++n;
      return n;
    };
    socket_.ReadUntil([&](const std::string& in) { return occurrences(in) >= count; });
    return occurrences(text()) >= count;
  }
  ReadEnd DrainToEnd() { return socket_.DrainToEnd(); }
  void Clear() { socket_.buffer().clear(); }
  std::string& text() { return socket_.buffer(); }
  // The connection ends without </stream:stream>, as when a phone loses its network.
  void Drop() { socket_.Close(); }

 private:
  explicit RawXmpp(RawSocket socket) : socket_(std::move(socket)) {}
  RawSocket socket_;
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_RAW_XMPP_H_
