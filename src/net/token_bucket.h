// TokenBucket: a rate limit of `rate` events per second with bursts up to `burst`.
// Not thread-safe: each WebSocket session owns one and uses it on its event loop.
#ifndef PARLEY_NET_TOKEN_BUCKET_H_
#define PARLEY_NET_TOKEN_BUCKET_H_

#include <algorithm>
#include <chrono>

namespace parley::net {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate, double burst, Clock::time_point now = Clock::now())
      : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token if there is one.
  bool TryTake(Clock::time_point now = Clock::now()) {
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  const double rate_;
  const double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace parley::net

#endif  // PARLEY_NET_TOKEN_BUCKET_H_
