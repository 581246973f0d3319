#include "base/plain_host.h"

#include <algorithm>
#include <cctype>

namespace parley {

bool IsPlainHost(std::string_view host) {
  const auto all_of = [](std::string_view text, auto allowed) {
    return std::all_of(text.begin(), text.end(),
                       [&](char c) { return allowed(static_cast<unsigned char>(c)); });
  };
  const auto name_char = [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; };
  const auto ipv6_char = [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; };
  const auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
  if (host.empty() || host.size() > 255) return false;
  const bool bracketed = host.front() == '[';
  const size_t name_end = bracketed ? host.find(']') + 1 : host.find(':');  // npos + 1 == 0
  if (bracketed && name_end == 0) return false;
  const std::string_view name = host.substr(0, name_end);
  const std::string_view port = name_end < host.size() ? host.substr(name_end) : "";
  if (!port.empty() && (port.front() != ':' || port.size() < 2 || port.size() > 6 ||
                        !all_of(port.substr(1), digit))) {
    return false;
  }
  if (bracketed) return name.size() > 2 && all_of(name.substr(1, name.size() - 2), ipv6_char);
  return !name.empty() && all_of(name, name_char);
}

}  // namespace parley
