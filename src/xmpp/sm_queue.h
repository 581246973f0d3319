// SmQueue: the counters and the unacknowledged stanzas of one XEP-0198 stream (stream
// management), without I/O: what C2sSession counts and keeps for a resume (docs/xmpp.md).
//
// Counters are 32-bit and wrap (XEP-0198 section 4). Outbound: every top-level <message/>,
// <presence/> or <iq/> the server writes is counted and kept, as written (a shared frame is kept
// by reference, not copied), until the client acknowledges it with <a h/>; an entry holding
// several stanzas leaves the queue only once all of them are acknowledged (a resume may then
// resend the ones acknowledged already). Bounded: past max_stanzas or max_bytes kept, Add
// refuses and the session is closed (a client that does not acknowledge is a slow consumer).
// Not thread-safe: the session's loop only.
#ifndef PARLEY_XMPP_SM_QUEUE_H_
#define PARLEY_XMPP_SM_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "chat/fanout/frame_encoder.h"

namespace parley::xmpp {

// How many top-level stanzas (message, presence, iq) the server-made XML `head`, `middle` and
// `tail` open, in that order; stream-level elements (<a/>, <r/>, stream errors,
// </stream:stream>) count 0. Only for XML this server serialized (escaped attribute values, no
// comments or CDATA).
uint32_t CountStanzas(std::string_view head, std::string_view middle, std::string_view tail = {});

// An h attribute: a decimal number of at most 2^32 - 1; nullopt otherwise (huge, signed, empty).
std::optional<uint32_t> ParseH(std::string_view text);

class SmQueue {
 public:
  struct Entry {
    std::string head;
    chat::SharedFrame frame;  // may be null
    size_t offset = 0;        // into frame
    std::string tail;         // written after the frame
    uint32_t stanzas = 0;
  };
  enum class AckResult { kOk, kTooHigh };

  SmQueue(size_t max_stanzas, size_t max_bytes)
      : max_stanzas_(max_stanzas), max_bytes_(max_bytes) {}

  // Inbound: one stanza of the client's handled.
  void Handled() { ++handled_; }
  uint32_t handled() const { return handled_; }

  // Outbound: keeps what was just queued to the client; false past the bounds (nothing kept).
  bool Add(Entry entry);
  // The client has handled `h` stanzas of the server's; kTooHigh when h counts more than were
  // sent or goes back below an earlier h (nothing changes then).
  AckResult Ack(uint32_t h);

  uint32_t sent() const { return sent_; }
  size_t unacked_stanzas() const { return unacked_stanzas_; }
  const std::deque<Entry>& unacked() const { return entries_; }

 private:
  const size_t max_stanzas_;
  const size_t max_bytes_;
  uint32_t handled_ = 0;
  uint32_t sent_ = 0;            // stanzas written, mod 2^32
  uint32_t acked_ = 0;           // the client's last h
  uint32_t acked_in_queue_ = 0;  // of the front entry's stanzas, acknowledged already
  size_t unacked_stanzas_ = 0;
  size_t bytes_ = 0;
  std::deque<Entry> entries_;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_SM_QUEUE_H_
