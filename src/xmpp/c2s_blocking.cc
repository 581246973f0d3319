// C2sSession: XEP-0191 blocking, onto Parley blocks (chat::Social::Blocks, Block, Unblock: the
// same calls and rules as the WebSocket session). The block list is the user's blocks. A block
// or unblock, made here or on any other device, is pushed (XEP-0191 section 3.3) to every XMPP
// session of the user by the domain's BlockChanged event (xmpp_frames.cc), one item each.
// Only users of this domain can be blocked (no federation); at most kMaxItems per request.
#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/jid.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr size_t kMaxItems = 100;

XmlElement ItemList(std::string_view name, const std::vector<std::string>& jids) {
  XmlElement list{std::string(kBlockingNs), std::string(name)};
  for (const std::string& jid : jids) {
    list.Add(XmlElement(std::string(kBlockingNs), "item")).Set("jid", jid);
  }
  return list;
}

}  // namespace

awaitable<void> C2sSession::HandleBlocking(const XmlElement& iq) {
  const XmlElement& payload = iq.children.front();
  const bool get = iq.Attr("type") == "get";
  if (get != (payload.name == "blocklist") ||
      (!get && payload.name != "block" && payload.name != "unblock")) {
    ReplyError(iq, Status(Code::kMalformed, "blocklist is a get, block and unblock are sets"));
    co_return;
  }
  if (get) {
    auto reading =
        net::OnWorker(services_.workers, [this] { return services_.social.Blocks(user_id_); });
    Result<std::vector<store::Relation>> blocks = co_await std::move(reading);
    if (!blocks.ok()) {
      ReplyError(iq, blocks.status());
      co_return;
    }
    std::vector<std::string> jids;
    for (const store::Relation& blocked : *blocks) {
      Remember(blocked.user.id, blocked.user.username);
      jids.push_back(blocked.user.username + "@" + options_.domain);
    }
    Reply(iq, ItemList("blocklist", jids));
    co_return;
  }
  const bool block = payload.name == "block";
  if (payload.children.size() > kMaxItems || (block && payload.children.empty())) {
    ReplyError(iq, Status(Code::kMalformed, "a block names 1 to 100 items"));
    co_return;
  }
  std::vector<int64_t> users;
  for (const XmlElement& item : payload.children) {
    std::optional<Jid> jid = ParseJid(item.Attr("jid"));
    if (item.name != "item" || item.ns != kBlockingNs || !jid || jid->local.empty()) {
      SendStanza(ErrorReply(iq, {"modify", "jid-malformed"}, "an item is user@" + options_.domain));
      co_return;
    }
    std::optional<int64_t> user;
    if (jid->domain == options_.domain) user = co_await UserIdOf(jid->local);
    if (!user) {
      ReplyError(iq, Status(Code::kNotFound, "no such user: " + jid->Bare()));
      co_return;
    }
    users.push_back(*user);
  }
  auto applying = net::OnWorker(services_.workers, [this, &users, block]() -> Status {
    chat::Social& social = services_.social;
    if (!block && users.empty()) {  // unblock everyone
      Result<std::vector<store::Relation>> blocks = social.Blocks(user_id_);
      if (!blocks.ok()) return blocks.status();
      for (const store::Relation& blocked : *blocks) users.push_back(blocked.user.id);
    }
    for (int64_t user : users) {
      Status status = block ? social.Block(user_id_, user) : social.Unblock(user_id_, user);
      if (!status.ok() && !(status.code() == Code::kNotFound && !block)) return status;
    }
    return Status::Ok();
  });
  Status applied = co_await std::move(applying);
  if (closing_) co_return;
  if (!applied.ok()) {
    ReplyError(iq, applied);
    co_return;
  }
  Reply(iq);  // the pushes come as the domain's BlockChanged events (xmpp_frames.cc)
}

}  // namespace parley::xmpp
