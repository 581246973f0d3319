#include "xmpp/jid.h"

#include <algorithm>
#include <cctype>

namespace parley::xmpp {
namespace {

constexpr size_t kMaxPartBytes = 1023;

bool Printable(std::string_view part) {
  return std::none_of(part.begin(), part.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; });
}

}  // namespace

std::string Jid::Bare() const { return local.empty() ? domain : local + "@" + domain; }

std::string Jid::Full() const { return resource.empty() ? Bare() : Bare() + "/" + resource; }

std::optional<Jid> ParseJid(std::string_view text) {
  Jid jid;
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    jid.resource = std::string(text.substr(slash + 1));
    if (jid.resource.empty() || jid.resource.size() > kMaxPartBytes) return std::nullopt;
    text = text.substr(0, slash);
  }
  const size_t at = text.find('@');
  if (at != std::string_view::npos) {
    jid.local = std::string(text.substr(0, at));
    if (jid.local.empty()) return std::nullopt;
    text = text.substr(at + 1);
  }
  if (text.empty() || text.size() > kMaxPartBytes || jid.local.size() > kMaxPartBytes ||
      !Printable(text) || !Printable(jid.local)) {
    return std::nullopt;
  }
  jid.domain.resize(text.size());
  std::transform(text.begin(), text.end(), jid.domain.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return jid;
}

std::optional<std::string> ValidResource(std::string_view resource) {
  if (resource.empty() || resource.size() > 64) return std::nullopt;
  for (char c : resource) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
  }
  return std::string(resource);
}

}  // namespace parley::xmpp
