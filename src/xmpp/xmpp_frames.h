// XmppFrameEncoder: the XMPP protocol's bytes for the domain's events
// (chat/fanout/frame_encoder.h), encoded once per event and shared by every XMPP session it
// reaches, like the JSON frames.
//
// A shared frame cannot name its recipient, and an event often names users only by id, so an
// XMPP frame is a route line and a stanza tail that the session completes (c2s_session.h):
//   "m <user> <conversation>\n" + tail   a message from <user> in <conversation>; the session
//                                        writes "<message from='" + JID of <user> + tail, and
//                                        only for a direct conversation and another user
//   "m <user> <conversation> <to>\n" ...  the same, in a direct conversation with <to> (so the
//                                        session need not look the conversation up)
//   "p <user> 0\n" + tail                presence of <user>: "<presence from='" + JID + tail
//   "r <user> 0\n"                       <user> left the roster: the session writes the push
//   "q <from> <to>\n" + tail             a friend request closed (subscription_frames.h)
//   "a 0 <conversation>\n" + id \n seq  the sending device's send was acked: a groupchat send
//                                        is reflected (c2s_muc.cc), anything else dropped
//   "g ..." and "o ..."                  a room's changes and occupants (muc_frames.h)
//   "c <user> <conversation>\n" + D R    <user>'s delivered and read seqs in <conversation>
//                                        moved: XEP-0333 markers (c2s_receipts.cc)
//   "x 0 0\n" + stanza                   a whole stanza, written as it is
// An empty frame: nothing for XMPP (events not mapped yet: docs/xmpp.md).
// Stateless after construction, thread-safe.
#ifndef PARLEY_XMPP_XMPP_FRAMES_H_
#define PARLEY_XMPP_XMPP_FRAMES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chat/fanout/frame_encoder.h"
#include "store/types.h"

namespace parley::xmpp {

// The URL an XMPP client fetches a media at (an upload slot's GET URL: upload_frames.h).
using MediaUrl = std::function<std::string(const store::Media& media)>;

class XmppFrameEncoder : public chat::FrameEncoder {
 public:
  // `media_url` empty: messages with media are sent with their text only (none without).
  explicit XmppFrameEncoder(std::string domain, MediaUrl media_url = {})
      : domain_(std::move(domain)), media_url_(std::move(media_url)) {}
  chat::SharedFrame Encode(const chat::Event& event) const override;
  // Empty when media are not mapped (no upload service).
  const MediaUrl& media_url() const { return media_url_; }

 private:
  const std::string domain_;
  const MediaUrl media_url_;
};

struct Route {
  char kind = 'x';  // a, c, g, m, o, p, q, r or x
  int64_t user_id = 0;
  int64_t conversation_id = 0;
  int64_t direct_recipient_id = 0;  // 'm' in a direct conversation: the other member; else 0
  std::string_view tail;            // into the frame
};

// The route of a frame this encoder made; nullopt for an empty frame.
std::optional<Route> ReadRoute(std::string_view frame);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XMPP_FRAMES_H_
