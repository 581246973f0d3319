// C2sSession: XEP-0313 archive queries sent to a room (XEP-0045 + XEP-0313 section 5.1.2): the
// group's history through chat::Service::History (mam_archive.h), so the WebSocket history's
// read rules decide (only members read, a late joiner from their join on, what retention
// removed is gone; anyone else: item-not-found). Archive ids are the group's seqs, the same
// numbers as the live groupchat's stanza-id; each message is forwarded as the room sent it,
// from room/SENDER. A room's query takes no `with` (bad-request).
#include <unordered_map>

#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/mam_archive.h"
#include "xmpp/mam_query.h"
#include "xmpp/muc_rooms.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xmpp_time.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

awaitable<void> C2sSession::HandleRoomMam(const XmlElement& iq, int64_t room) {
  if (iq.Attr("type") != "set") {
    SendStanza(ErrorReply(iq, {"modify", "bad-request"}, "an archive query is an iq set"));
    co_return;
  }
  Result<MamQuery> query = ParseMamQuery(iq.children.front(), MamArchive::kRoom);
  if (!query.ok()) {
    ReplyError(iq, query.status());
    co_return;
  }
  struct Read {
    Result<ArchivePage> page;
    std::vector<store::User> senders;
  };
  auto reading = net::OnWorker(services_.workers, [this, room, &query]() {
    Read read{ReadArchivePage(services_.chat, user_id_, room, *query,
                              bool(services_.encoder.media_url())),
              {}};
    if (!read.page.ok()) return read;
    std::unordered_map<int64_t, bool> asked;
    for (const store::Message& message : read.page->messages) {
      if (!asked.emplace(message.sender_id, true).second) continue;
      if (Result<store::User> user = services_.social.Profile(message.sender_id); user.ok()) {
        read.senders.push_back(std::move(*user));
      }
    }
    return read;
  });
  Read read = co_await std::move(reading);
  if (closing_) co_return;
  if (!read.page.ok()) {
    ReplyError(iq, read.page.status());
    co_return;
  }
  for (const store::User& user : read.senders) Remember(user.id, user.username);
  const std::string room_jid = RoomJid(room, options_.domain);
  const std::string self = username_ + "@" + options_.domain + "/" + resource_;
  for (const store::Message& message : read.page->messages) {
    auto sender = usernames_.find(message.sender_id);
    SendStanza(MamResult(
        message, query->query_id,
        {.to = self,
         .from = room_jid,
         .id = "mam-" + std::to_string(++next_id_),
         .original_from = sender == usernames_.end() ? room_jid : room_jid + "/" + sender->second,
         .type = "groupchat",
         .media_url = &services_.encoder.media_url()}));
  }
  Reply(iq, MamFin(*read.page));
}

}  // namespace parley::xmpp
