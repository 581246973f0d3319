// Peer: how the chat domain reaches one connected device without knowing about sockets.
// net/ implements it for WebSocket sessions; tests implement it with recording fakes.
//
// A peer speaks one protocol, named by the encoder it carries: the Hub encodes an event once
// per protocol and hands the same shared frame to every peer of that protocol.
// Deliver and Close are thread-safe and never block: they only queue work for the peer's own
// I/O thread. DeliverHere is the hub's fast path: it is called only on the peer's own thread
// (the hub slice it attached to, chat/fanout/hub.h) and writes without any hand-over; a peer that
// does not override it hands the frame to Deliver. A peer that cannot keep up closes itself
// (slow consumer); the domain never waits.
#ifndef PARLEY_CHAT_FANOUT_PEER_H_
#define PARLEY_CHAT_FANOUT_PEER_H_

#include <utility>

#include "chat/fanout/frame_encoder.h"

namespace parley::chat {

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
  // The protocol this device speaks; the same object for every peer of that protocol, alive
  // as long as the peer.
  virtual const FrameEncoder& encoder() const = 0;
  virtual void Deliver(SharedFrame frame) = 0;
  // Deliver, called on the thread the peer lives on (its hub slice's) only.
  virtual void DeliverHere(SharedFrame frame) { Deliver(std::move(frame)); }
  // Whether the device said its user is away (presence); thread-safe.
  virtual bool away() const { return false; }
  virtual void Close(CloseReason reason) = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_PEER_H_
