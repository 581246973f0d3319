#include "chat/fanout/counting_sink.h"

#include <string>

namespace parley::chat {

void CountingSink::Reply(const std::weak_ptr<Peer>& device, Event event) {
  if (const auto* failed = std::get_if<events::RequestFailed>(&event)) {
    metrics_.errors.With({std::string(CodeName(failed->status.code())), "ws"}).Add();
  }
  inner_.Reply(device, std::move(event));
}

}  // namespace parley::chat
