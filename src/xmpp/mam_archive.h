// ReadArchivePage: one page of an XEP-0313 answer (mam_query.h) for one conversation (a direct
// one, or a room's group), read through chat::Service::History, the call and the read rules
// of the WebSocket history request (only a member reads; a late joiner from their join on).
// What the page holds is what the native history shows that XMPP can carry: text messages,
// with their current text when edited and as a tombstone when deleted, and with `with_media`
// messages with media (as their URL: MamAddress::media_url); operations, stickers and events
// are skipped.
// start/end are compared with a message's commit time, which grows with its seq.
//
// Bounds: at most kMamMaxPage messages, about kMamMaxPageBytes of text, and kMamScanRounds
// history reads per page: a page cut by them says so (complete false), and `last`/`first` let
// the client go on from where the reading stopped. Blocks on the store: call on a worker.
#ifndef PARLEY_XMPP_MAM_ARCHIVE_H_
#define PARLEY_XMPP_MAM_ARCHIVE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "chat/service.h"
#include "xmpp/mam_query.h"
#include "xmpp/xml_element.h"
#include "xmpp/xmpp_frames.h"

namespace parley::xmpp {

inline constexpr size_t kMamMaxPageBytes = 256 * 1024;
inline constexpr int kMamScanRounds = 8;

struct ArchivePage {
  std::vector<store::Message> messages;  // ascending seq
  bool complete = false;                 // nothing more in the direction read
  // The seqs the page spans, for RSM's first/last: those of the first and last message, or
  // where the reading stopped when it holds none (0: nothing read).
  int64_t first = 0;
  int64_t last = 0;
};

// The iq result's <fin/> (XEP-0313 section 4.3) with the page's result set (XEP-0059).
XmlElement MamFin(const ArchivePage& page);

// How an archived message is addressed: the result's recipient, sender and id, and the forwarded
// message's from, to (empty: none, as in a room) and type.
struct MamAddress {
  std::string to;
  std::string from;  // empty: none (the user's own archive)
  std::string id;
  std::string original_from;
  std::string original_to;
  std::string_view type;  // "chat" or "groupchat"
  // A media's URL (XmppFrameEncoder::media_url); null or empty: media are not mapped.
  const MediaUrl* media_url = nullptr;
};

// One archived message as an XEP-0313 result (section 4.2): its seq as the archive id, its
// commit time in <delay/>, the client's id, and its text, or XEP-0424's tombstone when deleted
// (the native history shows a deleted message the same way).
XmlElement MamResult(const store::Message& message, std::string_view query_id,
                     const MamAddress& address);

Result<ArchivePage> ReadArchivePage(chat::Service& chat, int64_t user_id, int64_t conversation_id,
                                    const MamQuery& query, bool with_media = false);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_MAM_ARCHIVE_H_
