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
    Read read{ReadArchivePage(services_.chat, user_id_, room, *query), {}};
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
    XmlElement out(std::string(kClientNs), "message");
    out.Set("to", self).Set("from", room_jid).Set("id", "mam-" + std::to_string(++next_id_));
    XmlElement& result = out.Add(XmlElement(std::string(kMamNs), "result"));
    if (!query->query_id.empty()) result.Set("queryid", query->query_id);
    result.Set("id", std::to_string(message.seq));
    XmlElement& forwarded = result.Add(XmlElement(std::string(kForwardNs), "forwarded"));
    forwarded.Add(XmlElement(std::string(kDelayNs), "delay"))
        .Set("stamp", FormatDateTime(message.created_at));
    XmlElement& original = forwarded.Add(XmlElement(std::string(kClientNs), "message"));
    original.Set("from", sender == usernames_.end() ? room_jid : room_jid + "/" + sender->second)
        .Set("type", "groupchat");
    if (!message.client_id.empty()) original.Set("id", message.client_id);
    if (message.deleted) {
      original.Add(XmlElement(std::string(kRetractNs), "retracted"))
          .Set("stamp",
               FormatDateTime(message.edited_at > 0 ? message.edited_at : message.created_at));
    } else {
      original.AddText(std::string(kClientNs), "body", message.text);
    }
    SendStanza(out);
  }
  Reply(iq, MamFin(*read.page));
}

}  // namespace parley::xmpp
