// C2sSession: XEP-0313 message archive management for 1:1 history. A query names the contact
// (`with`); its direct conversation is read through chat::Service::History (mam_archive.h),
// and each message comes back as a <result/> forwarding it (XEP-0297) with its commit time
// (XEP-0203), then the <fin/> with the result set's first and last seq (XEP-0059).
#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/mam_archive.h"
#include "xmpp/mam_query.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xmpp_time.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

// The form a client may fill (XEP-0313 section 5.1): the fields ParseMamQuery knows.
XmlElement QueryForm() {
  XmlElement query(std::string(kMamNs), "query");
  XmlElement& form = query.Add(XmlElement(std::string(kDataFormsNs), "x"));
  form.Set("type", "form");
  form.Add(XmlElement(std::string(kDataFormsNs), "field"))
      .Set("var", "FORM_TYPE")
      .Set("type", "hidden")
      .AddText(std::string(kDataFormsNs), "value", std::string(kMamNs));
  form.Add(XmlElement(std::string(kDataFormsNs), "field"))
      .Set("var", "with")
      .Set("type", "jid-single");
  form.Add(XmlElement(std::string(kDataFormsNs), "field"))
      .Set("var", "start")
      .Set("type", "text-single");
  form.Add(XmlElement(std::string(kDataFormsNs), "field"))
      .Set("var", "end")
      .Set("type", "text-single");
  return query;
}

}  // namespace

awaitable<void> C2sSession::HandleMam(const XmlElement& iq) {
  if (iq.Attr("type") == "get") {
    Reply(iq, QueryForm());
    co_return;
  }
  Result<MamQuery> query = ParseMamQuery(iq.children.front());
  if (!query.ok()) {
    ReplyError(iq, query.status());
    co_return;
  }
  if (query->with.domain.empty()) {  // docs/xmpp.md, "MAM": the ids are per conversation
    SendStanza(ErrorReply(iq, {"cancel", "feature-not-implemented"},
                          "name the contact (with): archive ids are per conversation"));
    co_return;
  }
  if (query->with.domain != options_.domain) {
    ReplyError(iq, Status(Code::kNotFound, "no archive with another domain (no federation)"));
    co_return;
  }
  std::optional<int64_t> peer = co_await UserIdOf(query->with.local);
  if (!peer || *peer == user_id_) {
    ReplyError(iq, Status(Code::kNotFound, "no such contact"));
    co_return;
  }
  // The direct conversation with the contact, if there is one: known, or read with the list.
  auto known = direct_with_.find(*peer);
  std::optional<int64_t> conversation;
  if (known != direct_with_.end()) conversation = known->second;
  auto reading = net::OnWorker(services_.workers, [this, &query, &conversation, peer = *peer]() {
    std::vector<store::ConversationSummary> listed;
    if (!conversation) {
      auto conversations = services_.chat.ConversationStates(user_id_);
      if (!conversations.ok())
        return std::make_pair(Result<ArchivePage>(conversations.status()), listed);
      listed = std::move(*conversations);
      for (const store::ConversationSummary& summary : listed) {
        if (summary.kind == store::ConversationKind::kDirect && !summary.others.empty() &&
            summary.others.front().user_id == peer) {
          conversation = summary.id;
        }
      }
    }
    if (!conversation)
      return std::make_pair(Result<ArchivePage>(ArchivePage{.complete = true}), listed);
    return std::make_pair(ReadArchivePage(services_.chat, user_id_, *conversation, *query,
                                          bool(services_.encoder.media_url())),
                          listed);
  });
  auto [page, listed] = co_await std::move(reading);
  for (const store::ConversationSummary& summary : listed) {
    const bool direct = summary.kind == store::ConversationKind::kDirect && !summary.others.empty();
    direct_peer_[summary.id] = direct ? summary.others.front().user_id : 0;
    if (direct) direct_with_[summary.others.front().user_id] = summary.id;
  }
  if (!page.ok()) {
    ReplyError(iq, page.status());
    co_return;
  }
  const std::string self = username_ + "@" + options_.domain;
  const std::string contact = usernames_.at(*peer) + "@" + options_.domain;
  for (const store::Message& message : page->messages) {
    const bool mine = message.sender_id == user_id_;
    SendStanza(MamResult(message, query->query_id,
                         {.to = self + "/" + resource_,
                          .id = "mam-" + std::to_string(++next_id_),
                          .original_from = mine ? self : contact,
                          .original_to = mine ? contact : self,
                          .type = "chat",
                          .media_url = &services_.encoder.media_url()}));
  }
  Reply(iq, MamFin(*page));
}

}  // namespace parley::xmpp
