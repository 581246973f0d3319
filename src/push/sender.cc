#include "push/sender.h"

#include <charconv>

namespace parley::push {

SendResult Classify(const Result<HttpReply>& reply) {
  using Kind = PushStore::Outcome::Kind;
  SendResult result;
  if (!reply.ok()) {
    result.kind = Kind::kRetry;
    result.error = reply.status().message();
    return result;
  }
  const long status = reply->status;
  result.error = "http " + std::to_string(status);
  if (status >= 200 && status < 300) {
    result.kind = Kind::kDelivered;
    result.error.clear();
  } else if (status == 404 || status == 410) {
    result.kind = Kind::kGone;
  } else if (status == 408 || status == 425 || status == 429 || status >= 500) {
    result.kind = Kind::kRetry;
    int64_t seconds = 0;
    const std::string& text = reply->retry_after;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc() && end == text.data() + text.size() && seconds > 0) {
      result.retry_after_ms = std::min<int64_t>(seconds, 24 * 3600) * 1000;
    }
  } else {
    result.kind = Kind::kFailed;
  }
  return result;
}

}  // namespace parley::push
