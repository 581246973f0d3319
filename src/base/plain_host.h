// Whether text names a host plainly enough to be copied into a header or a policy.
//
// IsPlainHost(host): "host[:port]" where host is letters, digits, '.' and '-', or a bracketed
// IPv6 address (hex digits, ':' and '.'), and port is 1 to 5 digits. Nothing else (spaces, ';',
// ',', quotes, a path, userinfo) passes, so a value that does can be copied into a
// Content-Security-Policy or a Location without changing its meaning. Pure and thread-safe.
#ifndef PARLEY_BASE_PLAIN_HOST_H_
#define PARLEY_BASE_PLAIN_HOST_H_

#include <string_view>

namespace parley {

bool IsPlainHost(std::string_view host);

}  // namespace parley

#endif  // PARLEY_BASE_PLAIN_HOST_H_
