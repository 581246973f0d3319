// Peer: how the chat domain reaches one connected device without knowing about sockets.
// net/ implements it for WebSocket sessions; tests implement it with a recording fake.
//
// Frames are encoded once and shared (SharedFrame) among every peer that receives them.
// Deliver and Close are thread-safe and never block: they only queue work for the peer's own
// I/O thread. A peer that cannot keep up closes itself (slow consumer); the domain never waits.
#ifndef PARLEY_CHAT_PEER_H_
#define PARLEY_CHAT_PEER_H_

#include <memory>
#include <string>
#include <string_view>

namespace parley::chat {

using SharedFrame = std::shared_ptr<const std::string>;

inline SharedFrame MakeFrame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// Why the server closes a peer; each maps to one WebSocket close code (docs/protocol.md).
enum class CloseReason {
  kShutdown,         // 1001 server going away
  kProtocolError,    // 4000
  kUnauthenticated,  // 4001 bad token, hello timeout, device logged out or revoked
  kSlowConsumer,     // 4008
  kRateLimited,      // 4029
};

class Peer {
 public:
  virtual ~Peer() = default;
  virtual void Deliver(SharedFrame frame) = 0;
  virtual void Close(CloseReason reason) = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_PEER_H_
