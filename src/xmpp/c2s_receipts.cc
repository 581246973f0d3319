// C2sSession: XEP-0184 receipts and XEP-0333 chat markers as Parley's delivered and read
// cursors (docs/xmpp.md, "Receipts and chat markers").
//
// In: a <received/> (either XEP) or a <displayed/>/<acknowledged/> (XEP-0333) to a user, whose
// id is a Parley seq (the XEP-0359 stanza-id this server put on the message), raises the
// user's delivered or read cursor in the direct conversation with that user:
// chat::Service::MarkCursor, the call the web app's receipts make (the same rules: a cursor
// only rises, never past the last message). An id that is no seq (a client's own message id)
// names nothing Parley knows: ignored.
// Out: the contact's cursors (ReceiptMoved, frame 'c') become XEP-0333 markers from the
// contact, with the seq as the id: <displayed/> when the read cursor rose past what this stream
// was told (read implies delivered), else <received/> when the delivered one did.
#include <algorithm>
#include <charconv>

#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/namespaces.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

struct Marker {
  bool read = false;
  std::string_view id;
};

std::optional<Marker> MarkerOf(const XmlElement& message) {
  for (const XmlElement& child : message.children) {
    if (child.name == "received" && (child.ns == kReceiptsNs || child.ns == kChatMarkersNs)) {
      return Marker{false, child.Attr("id")};
    }
    if ((child.name == "displayed" || child.name == "acknowledged") && child.ns == kChatMarkersNs) {
      return Marker{true, child.Attr("id")};
    }
  }
  return std::nullopt;
}

std::optional<int64_t> SeqOf(std::string_view id) {
  int64_t seq = 0;
  if (id.empty() || id.size() > 18 || id[0] == '+' || id[0] == '-') return std::nullopt;
  auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (error != std::errc() || end != id.data() + id.size() || seq <= 0) return std::nullopt;
  return seq;
}

}  // namespace

bool C2sSession::IsMarker(const XmlElement& message) { return MarkerOf(message).has_value(); }

awaitable<void> C2sSession::HandleMarker(const XmlElement& message, int64_t peer) {
  const std::optional<Marker> marker = MarkerOf(message);
  const std::optional<int64_t> seq = marker ? SeqOf(marker->id) : std::nullopt;
  if (!seq) co_return;
  if (!direct_with_.contains(peer)) {
    auto reading = net::OnWorker(services_.workers,
                                 [this] { return services_.chat.ConversationStates(user_id_); });
    auto listed = co_await std::move(reading);
    if (!listed.ok() || closing_) co_return;
    for (const store::ConversationSummary& summary : *listed) {
      const bool direct =
          summary.kind == store::ConversationKind::kDirect && !summary.others.empty();
      const int64_t other = direct ? summary.others.front().user_id : 0;
      direct_peer_[summary.id] = other;
      if (direct) direct_with_[other] = summary.id;
    }
  }
  auto conversation = direct_with_.find(peer);
  if (conversation == direct_with_.end()) co_return;  // no conversation: nothing to mark
  services_.chat.MarkCursor(chat::CursorCommand{user_id_, conversation->second, *seq, marker->read},
                            weak_from_this(), "");
}

void C2sSession::WriteMarkers(const Route& route) {
  int64_t delivered = 0;
  int64_t read = 0;
  const std::string_view tail = route.tail;
  const size_t space = tail.find(' ');
  if (space == std::string_view::npos) return;
  std::from_chars(tail.data(), tail.data() + space, delivered);
  std::from_chars(tail.data() + space + 1, tail.data() + tail.size(), read);
  auto& [told_delivered, told_read] = markers_told_[route.conversation_id];
  const std::string from = XmlEscape(usernames_.at(route.user_id) + "@" + options_.domain);
  // Read implies delivered (XEP-0333 section 4): one marker, the furthest that moved.
  std::string marker;
  if (read > told_read) {
    marker = "displayed";
    told_read = read;
    told_delivered = std::max(told_delivered, delivered);
  } else if (delivered > told_delivered) {
    marker = "received";
    told_delivered = delivered;
  } else {
    return;
  }
  Send("<message from='" + from + "' type='chat'><" + marker +
       " xmlns='urn:xmpp:chat-markers:0' id='" +
       std::to_string(marker == "displayed" ? read : delivered) + "'/></message>");
}

}  // namespace parley::xmpp
