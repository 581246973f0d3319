// ConnectionLimiter: counts the server's open connections (HTTP and WebSocket alike), in all and
// per client address, and refuses a new one that would pass either cap. A client address is an
// IPv4 address, or the /64 prefix of an IPv6 one (one host usually holds a whole /64). A
// trusted proxy's address is shared by every client behind it, and who those are is known only
// from each request's header: its connections count toward the global cap alone.
//
// FitToDescriptorLimit(): the cap on connections this process can hold open: it raises the soft
// RLIMIT_NOFILE towards the hard one as far as the cap needs, and lowers the cap when the
// descriptors are fewer, keeping some for the database, media files and the event loop. A cap
// that fits means accept() refuses connections itself rather than running out of descriptors.
//
// Thread-safety: thread-safe. A Slot must not outlive its limiter.
#ifndef PARLEY_NET_CONNECTION_LIMITER_H_
#define PARLEY_NET_CONNECTION_LIMITER_H_

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/client_address.h"

namespace parley::net {

class ConnectionLimiter {
 public:
  // One open connection, counted until the Slot is destroyed.
  class Slot {
   public:
    Slot(ConnectionLimiter* limiter, std::string key);
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    ConnectionLimiter* limiter_;
    std::string key_;
  };

  ConnectionLimiter(size_t max_total, size_t max_per_address,
                    std::vector<Cidr> trusted_proxies = {});

  // A slot for a connection from `address`; nullopt when either cap is reached.
  std::optional<Slot> TryAdmit(const boost::asio::ip::address& address);

  size_t max_total() const { return max_total_; }
  // Connections admitted and not yet released.
  size_t open();

 private:
  void Release(const std::string& key);

  const size_t max_total_;
  const size_t max_per_address_;
  const std::vector<Cidr> trusted_proxies_;
  std::mutex mu_;
  size_t total_ = 0;                                     // guarded by mu_
  std::unordered_map<std::string, size_t> per_address_;  // guarded by mu_; no entry means 0
};

// The number of connections to allow, at most `wanted` (see the top of this file).
size_t FitToDescriptorLimit(size_t wanted);

}  // namespace parley::net

#endif  // PARLEY_NET_CONNECTION_LIMITER_H_
