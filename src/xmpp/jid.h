// Jabber IDs (RFC 7622) as this server uses them: local@domain/resource, where local is a
// Parley username and domain the server's configured XMPP domain. Parsing is strict about
// structure and length and lenient about the rest: a local part that is no username simply
// names nobody (the lookup answers item-not-found). No stringprep/PRECIS beyond ASCII case
// folding of the domain. Pure, thread-safe.
#ifndef PARLEY_XMPP_JID_H_
#define PARLEY_XMPP_JID_H_

#include <optional>
#include <string>
#include <string_view>

namespace parley::xmpp {

struct Jid {
  std::string local;  // empty: a server JID
  std::string domain;
  std::string resource;  // empty: a bare JID

  std::string Bare() const;
  std::string Full() const;
};

// nullopt for an empty domain, an empty part around '@' or '/', a part over 1023 bytes, or
// whitespace or control characters in the local part or domain.
std::optional<Jid> ParseJid(std::string_view text);

// A resource the client asked for: 1 to 64 bytes, no control characters; nullopt otherwise.
std::optional<std::string> ValidResource(std::string_view resource);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_JID_H_
