// libFuzzer target: the forwarding headers a trusted proxy writes (net/client_address.h),
// X-Forwarded-For and RFC 7239 Forwarded, and the CIDR ranges of --trusted-proxy.
// Contract: at most kMaxHops hops; the client found is the peer, or an address the header
// names after a chain of trusted hops; a CIDR is a value with a prefix that fits its family,
// or kInvalidArgument.
#include <algorithm>
#include <string>
#include <vector>

#include "net/client_address.h"
#include "tests/fuzz/fuzz_contract.h"

namespace {

bool Named(const parley::net::Hops& hops, const parley::net::IpAddress& address) {
  return std::any_of(hops.begin(), hops.end(), [&](const auto& hop) { return hop == address; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley;
  const std::string_view text = fuzz::AsText(data, size);

  auto cidr = net::ParseCidr(text);
  fuzz::CheckResult(cidr, {Code::kInvalidArgument});
  if (cidr.ok()) {
    const int bits = cidr->network.is_v4() ? 32 : 128;
    PARLEY_FUZZ_CHECK(0 <= cidr->prefix_length && cidr->prefix_length <= bits);
    PARLEY_FUZZ_CHECK(net::CidrContains(*cidr, cidr->network));
  }

  const net::Hops forwarded_for = net::ParseXForwardedFor(text);
  const net::Hops forwarded = net::ParseForwarded(text);
  PARLEY_FUZZ_CHECK(forwarded_for.size() <= net::kMaxHops);
  PARLEY_FUZZ_CHECK(forwarded.size() <= net::kMaxHops);

  // A peer inside every trusted range: the walk may go as far left as the header allows.
  const auto peer = boost::asio::ip::make_address("10.0.0.1");
  net::ProxyTrust trust;
  trust.proxies.push_back(*net::ParseCidr("0.0.0.0/0"));
  trust.proxies.push_back(*net::ParseCidr("::/0"));
  for (auto header : {net::ForwardedHeader::kXForwardedFor, net::ForwardedHeader::kForwarded}) {
    trust.header = header;
    const std::vector<std::string_view> fields{text, text};
    const net::IpAddress client = net::ClientAddress(peer, fields, trust);
    const net::Hops& hops = header == net::ForwardedHeader::kForwarded ? forwarded : forwarded_for;
    PARLEY_FUZZ_CHECK(client == peer || Named(hops, client));
    PARLEY_FUZZ_CHECK(!net::AddressLimitKey(client).empty());
    // Nobody trusted: the headers are never read.
    PARLEY_FUZZ_CHECK(net::ClientAddress(peer, fields, net::ProxyTrust{}) == peer);
  }
  return 0;
}
