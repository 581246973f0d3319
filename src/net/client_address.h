// Client addresses: who is on the other end of an HTTP request, for per-address limits.
//
// Without trusted proxies the client is the TCP peer and forwarding headers are ignored. When
// the peer is inside one of the `--trusted-proxy` ranges, the configured forwarding header
// (X-Forwarded-For, or RFC 7239 Forwarded) is read from the right: each hop a trusted proxy
// vouches for is taken, and the first address that is not a trusted proxy is the client. What a
// client writes itself sits to the left of what the proxies append, so it is never reached
// unless every hop right of it is trusted. A hop that is not a usable address ("unknown", an
// obfuscated identifier, garbage) stops the walk at the last trusted hop: that proxy is then
// the client (limits stay per proxy, never per forged value).
//
// Limits key IPv6 clients by their /64 (one subscriber usually holds a whole /64) and IPv4 by
// the single address; IPv4-mapped IPv6 addresses count as IPv4.
//
// Everything here is pure and thread-safe.
#ifndef PARLEY_NET_CLIENT_ADDRESS_H_
#define PARLEY_NET_CLIENT_ADDRESS_H_

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "net/http_util.h"

namespace parley::net {

using IpAddress = boost::asio::ip::address;

// An address range, "192.0.2.0/24" or "2001:db8::/32"; a bare address is a range of one.
struct Cidr {
  IpAddress network;      // host bits cleared
  int prefix_length = 0;  // 0-32 for IPv4, 0-128 for IPv6
};

// kInvalidArgument for anything else (host bits set are cleared, not refused).
Result<Cidr> ParseCidr(std::string_view text);
bool CidrContains(const Cidr& range, const IpAddress& address);

enum class ForwardedHeader { kXForwardedFor, kForwarded };

struct ProxyTrust {
  std::vector<Cidr> proxies;                                 // empty: no proxy is trusted
  ForwardedHeader header = ForwardedHeader::kXForwardedFor;  // the one the proxies write
};

// One hop per comma-separated element, left to right; nullopt for an element that is not a
// usable address. At most kMaxHops elements (the rightmost ones) are returned.
inline constexpr size_t kMaxHops = 32;
using Hops = std::vector<std::optional<IpAddress>>;
// X-Forwarded-For: "203.0.113.7, 2001:db8::1"; also "[2001:db8::1]:443" and "203.0.113.7:80".
Hops ParseXForwardedFor(std::string_view value);
// Forwarded (RFC 7239): the `for` parameter of each element, quoted or not, with optional port.
Hops ParseForwarded(std::string_view value);

// The client behind `peer`, given every field of the configured header in the order received.
IpAddress ClientAddress(const IpAddress& peer, const std::vector<std::string_view>& header_fields,
                        const ProxyTrust& trust);

// AddressLimitKey of the client of `request`, read from its configured forwarding header; ""
// when the peer is unknown (its socket failed), which all such requests share.
std::string RequestClientKey(const std::optional<IpAddress>& peer, const Request& request,
                             const ProxyTrust& trust);

// The key per-address limits count under: the IPv4 address, or the IPv6 /64 ("2001:db8::/64").
std::string AddressLimitKey(const IpAddress& address);

}  // namespace parley::net

#endif  // PARLEY_NET_CLIENT_ADDRESS_H_
