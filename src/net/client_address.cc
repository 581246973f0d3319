#include "net/client_address.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace parley::net {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kWhitespace = " \t";

std::string_view Trim(std::string_view text) {
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// IPv4-mapped IPv6 (::ffff:192.0.2.1, what a dual-stack socket reports) is the IPv4 address.
IpAddress Unmapped(const IpAddress& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

// Only hex digits, dots and colons: asio hands the text to inet_pton as a C string, which would
// stop at a NUL and accept what precedes it.
bool OnlyAddressCharacters(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
  });
}

std::optional<asio::ip::address_v4> ParseV4(std::string_view text) {
  if (!OnlyAddressCharacters(text)) return std::nullopt;
  boost::system::error_code ec;
  auto address = asio::ip::make_address_v4(std::string(text), ec);  // inet_pton: strict dotted quad
  if (ec) return std::nullopt;
  return address;
}

std::optional<asio::ip::address_v6> ParseV6(std::string_view text) {
  if (!OnlyAddressCharacters(text)) return std::nullopt;  // no zone ids ("%eth0") either
  boost::system::error_code ec;
  auto address = asio::ip::make_address_v6(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

// A port after a colon: 1-5 digits up to 65535, or (RFC 7239 section 6.3) an obfuscated one.
bool IsPort(std::string_view text) {
  if (!text.empty() && text.front() == '_') {
    return text.size() > 1 && std::all_of(text.begin() + 1, text.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
           });
  }
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return !text.empty() && text.size() <= 5 && ec == std::errc() &&
         end == text.data() + text.size() && port <= 65535;
}

// "192.0.2.1", "192.0.2.1:80", "[2001:db8::1]", "[2001:db8::1]:443", and when `bare_v6`,
// "2001:db8::1".
std::optional<IpAddress> ParseNode(std::string_view text, bool bare_v6) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !IsPort(rest.substr(1)))) return std::nullopt;
    auto v6 = ParseV6(text.substr(1, close - 1));
    if (!v6) return std::nullopt;
    return IpAddress(*v6);
  }
  const size_t colons = static_cast<size_t>(std::count(text.begin(), text.end(), ':'));
  if (colons >= 2) {
    if (!bare_v6) return std::nullopt;
    auto v6 = ParseV6(text);
    if (!v6) return std::nullopt;
    return IpAddress(*v6);
  }
  if (colons == 1) {
    const size_t colon = text.find(':');
    if (!IsPort(text.substr(colon + 1))) return std::nullopt;
    text = text.substr(0, colon);
  }
  auto v4 = ParseV4(text);
  if (!v4) return std::nullopt;
  return IpAddress(*v4);
}

// The value of a Forwarded parameter: a token, or a quoted-string with its escapes undone.
std::optional<std::string> ParameterValue(std::string_view raw) {
  if (raw.empty() || raw.front() != '"') return std::string(raw);
  if (raw.size() < 2 || raw.back() != '"') return std::nullopt;
  std::string value;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    if (raw[i] == '"') return std::nullopt;
    if (raw[i] == '\\') {
      if (++i + 1 >= raw.size()) return std::nullopt;
    }
    value.push_back(raw[i]);
  }
  return value;
}

bool NameIsFor(std::string_view name) {
  return name.size() == 3 && std::tolower(static_cast<unsigned char>(name[0])) == 'f' &&
         std::tolower(static_cast<unsigned char>(name[1])) == 'o' &&
         std::tolower(static_cast<unsigned char>(name[2])) == 'r';
}

// One element ("for=192.0.2.60;proto=http;by=203.0.113.43"): the address of its single `for`.
std::optional<IpAddress> ForwardedFor(std::string_view element) {
  std::optional<IpAddress> found;
  int fors = 0;
  for (std::string_view pair : Split(element, ';')) {
    pair = Trim(pair);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || !NameIsFor(pair.substr(0, eq))) continue;
    ++fors;
    std::optional<std::string> value = ParameterValue(pair.substr(eq + 1));
    found = value ? ParseNode(*value, false) : std::nullopt;  // "unknown", "_hidden": none
  }
  return fors == 1 ? found : std::nullopt;
}

void KeepRightmost(Hops& hops) {
  if (hops.size() > kMaxHops) hops.erase(hops.begin(), hops.end() - kMaxHops);
}

}  // namespace

Result<Cidr> ParseCidr(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string_view host = text.substr(0, slash);
  std::optional<IpAddress> address;
  if (auto v4 = ParseV4(host)) {
    address = *v4;
  } else if (auto v6 = ParseV6(host)) {
    address = Unmapped(*v6);
  }
  if (!address) {
    return Status(Code::kInvalidArgument, "'" + std::string(text.substr(0, 64)) +
                                              "' is not an address or ADDRESS/PREFIX range");
  }
  const int max_prefix = address->is_v4() ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || digits.size() > 3 || ec != std::errc() ||
        end != digits.data() + digits.size() || prefix < 0 || prefix > max_prefix) {
      return Status(Code::kInvalidArgument,
                    "bad prefix length in '" + std::string(text.substr(0, 64)) + "'");
    }
  }
  Cidr range{*address, prefix};
  if (address->is_v4()) {
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    range.network = asio::ip::address_v4(address->to_v4().to_uint() & mask);
  } else {
    auto bytes = address->to_v6().to_bytes();
    for (int bit = prefix; bit < 128; ++bit) bytes[bit / 8] &= ~(0x80 >> (bit % 8));
    range.network = asio::ip::address_v6(bytes);
  }
  return range;
}

bool CidrContains(const Cidr& range, const IpAddress& address) {
  const IpAddress candidate = Unmapped(address);
  if (candidate.is_v4() != range.network.is_v4()) return false;
  if (candidate.is_v4()) {
    const uint32_t mask = range.prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - range.prefix_length);
    return (candidate.to_v4().to_uint() & mask) == range.network.to_v4().to_uint();
  }
  const auto want = range.network.to_v6().to_bytes();
  const auto have = candidate.to_v6().to_bytes();
  for (int bit = 0; bit < range.prefix_length; ++bit) {
    const int mask = 0x80 >> (bit % 8);
    if ((want[bit / 8] & mask) != (have[bit / 8] & mask)) return false;
  }
  return true;
}

Hops ParseXForwardedFor(std::string_view value) {
  Hops hops;
  for (std::string_view element : Split(value, ',')) {
    hops.push_back(ParseNode(Trim(element), true));
  }
  KeepRightmost(hops);
  return hops;
}

// Elements are split at every comma, quoted or not: a `for` value never holds one, and a quote
// a client leaves open can then never swallow the elements the proxies append after it.
Hops ParseForwarded(std::string_view value) {
  Hops hops;
  for (std::string_view element : Split(value, ',')) hops.push_back(ForwardedFor(element));
  KeepRightmost(hops);
  return hops;
}

IpAddress ClientAddress(const IpAddress& peer, const std::vector<std::string_view>& header_fields,
                        const ProxyTrust& trust) {
  auto trusted = [&trust](const IpAddress& address) {
    return std::any_of(trust.proxies.begin(), trust.proxies.end(),
                       [&](const Cidr& range) { return CidrContains(range, address); });
  };
  IpAddress current = Unmapped(peer);
  if (!trusted(current)) return current;
  Hops hops;
  for (std::string_view field : header_fields) {
    Hops more = trust.header == ForwardedHeader::kForwarded ? ParseForwarded(field)
                                                            : ParseXForwardedFor(field);
    hops.insert(hops.end(), more.begin(), more.end());
  }
  KeepRightmost(hops);
  for (size_t i = hops.size(); i-- > 0;) {
    if (!hops[i]) return current;  // the proxy does not know who is behind it
    current = Unmapped(*hops[i]);
    if (!trusted(current)) return current;
  }
  return current;
}

std::string RequestClientKey(const std::optional<IpAddress>& peer, const Request& request,
                             const ProxyTrust& trust) {
  if (!peer) return "";
  const boost::beast::string_view name =
      trust.header == ForwardedHeader::kForwarded ? "Forwarded" : "X-Forwarded-For";
  std::vector<std::string_view> fields;
  for (auto [it, end] = request.equal_range(name); it != end; ++it) {
    fields.emplace_back(it->value().data(), it->value().size());
  }
  return AddressLimitKey(ClientAddress(*peer, fields, trust));
}

std::string AddressLimitKey(const IpAddress& address) {
  const IpAddress plain = Unmapped(address);
  if (plain.is_v4()) return plain.to_string();
  auto bytes = plain.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace parley::net
