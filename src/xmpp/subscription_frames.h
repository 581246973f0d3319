// The XMPP frames (xmpp_frames.h) of the social graph's events, as RFC 6121 subscriptions:
//   FriendRequested      -> to its recipient: <presence type='subscribe' from='sender'/>
//   FriendAdded          -> <presence type='subscribed'/>, the roster push (subscription
//                           both) and the new friend's presence when online or away
//   FriendRequestClosed  -> route "q <from> <to>\n" + "declined" or "closed": the session
//                           completes it (WriteRequestClosed), as it depends on which side it is
// Pure, thread-safe.
#ifndef PARLEY_XMPP_SUBSCRIPTION_FRAMES_H_
#define PARLEY_XMPP_SUBSCRIPTION_FRAMES_H_

#include <string>
#include <string_view>

#include "chat/fanout/events.h"

namespace parley::xmpp {

// Whole stanzas (the tail of an "x" route).
std::string SubscribeStanza(const chat::events::FriendRequested& event, std::string_view domain);
std::string FriendAddedStanzas(const chat::events::FriendAdded& event, std::string_view domain);

// The route line and tail of a closed request.
std::string RequestClosedFrame(const chat::events::FriendRequestClosed& event);

// What the session of `me` writes for a closed request between `from` and `to` (the route's
// user and conversation fields): to the requester, unsubscribed from the other side and a
// roster push removing the pending item; to the recipient of a cancelled request, unsubscribe
// from the requester; nothing to the recipient who declined it. `other_jid` is the other side.
std::string RequestClosedStanzas(int64_t me, int64_t from, std::string_view tail,
                                 const std::string& other_jid, uint64_t push_id);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_SUBSCRIPTION_FRAMES_H_
