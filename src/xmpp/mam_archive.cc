#include "xmpp/mam_archive.h"

#include <algorithm>

#include "xmpp/namespaces.h"
#include "xmpp/xmpp_time.h"

namespace parley::xmpp {
namespace {

// What the live path sends over XMPP too (xmpp_frames.cc), plus the tombstones of deletions.
bool Archived(const store::Message& message, bool with_media) {
  return message.kind == store::MessageKind::kText &&
         (message.deleted || !message.text.empty() || (with_media && message.media));
}

}  // namespace

Result<ArchivePage> ReadArchivePage(chat::Service& chat, int64_t user_id, int64_t conversation_id,
                                    const MamQuery& query, bool with_media) {
  ArchivePage page;
  const int batch = std::min(chat.options().max_history_limit, kMamMaxPage);
  std::optional<int64_t> cursor =
      query.backwards ? query.before : std::optional<int64_t>(query.after);
  size_t bytes = 0;
  bool full = query.max == 0;
  for (int round = 0; round < kMamScanRounds && !full; ++round) {
    chat::HistoryQuery history;
    history.limit = batch;
    (query.backwards ? history.before : history.after) = cursor;
    Result<chat::HistoryPage> read = chat.History(user_id, conversation_id, history);
    if (!read.ok()) return read.status();
    std::vector<store::Message>& messages = read->messages;  // ascending
    const size_t n = messages.size();
    bool passed_bound = false;  // beyond start (backwards) or end (forwards): nothing more
    size_t i = 0;
    for (; i < n && !full; ++i) {
      store::Message& message = messages[query.backwards ? n - 1 - i : i];
      const bool too_new = query.end && message.created_at > *query.end;
      const bool too_old = query.start && message.created_at < *query.start;
      if (query.backwards ? too_old : too_new) {
        passed_bound = true;
        break;
      }
      cursor = message.seq;
      if (too_new || too_old || !Archived(message, with_media)) continue;
      bytes += message.text.size();
      page.messages.push_back(std::move(message));
      full = static_cast<int>(page.messages.size()) >= query.max || bytes >= kMamMaxPageBytes;
    }
    if (passed_bound || (i == n && !read->has_more)) {
      page.complete = true;
      break;
    }
  }
  if (query.backwards) std::reverse(page.messages.begin(), page.messages.end());
  if (!page.messages.empty()) {
    page.first = page.messages.front().seq;
    page.last = page.messages.back().seq;
  } else if (cursor) {
    page.first = page.last = *cursor;
  }
  return page;
}

XmlElement MamResult(const store::Message& message, std::string_view query_id,
                     const MamAddress& address) {
  XmlElement out(std::string(kClientNs), "message");
  out.Set("to", address.to);
  if (!address.from.empty()) out.Set("from", address.from);
  out.Set("id", address.id);
  XmlElement& result = out.Add(XmlElement(std::string(kMamNs), "result"));
  if (!query_id.empty()) result.Set("queryid", std::string(query_id));
  result.Set("id", std::to_string(message.seq));
  XmlElement& forwarded = result.Add(XmlElement(std::string(kForwardNs), "forwarded"));
  forwarded.Add(XmlElement(std::string(kDelayNs), "delay"))
      .Set("stamp", FormatDateTime(message.created_at));
  XmlElement& original = forwarded.Add(XmlElement(std::string(kClientNs), "message"));
  original.Set("from", address.original_from);
  if (!address.original_to.empty()) original.Set("to", address.original_to);
  original.Set("type", std::string(address.type));
  if (!message.client_id.empty()) original.Set("id", message.client_id);
  if (message.deleted) {
    original.Add(XmlElement(std::string(kRetractNs), "retracted"))
        .Set("stamp",
             FormatDateTime(message.edited_at > 0 ? message.edited_at : message.created_at));
  } else if (message.media && address.media_url != nullptr && *address.media_url) {
    // As on the live path (xmpp_frames.cc): the URL as body and XEP-0066 oob, the text as desc.
    const std::string url = (*address.media_url)(*message.media);
    original.AddText(std::string(kClientNs), "body", url);
    XmlElement& oob = original.Add(XmlElement(std::string(kOobNs), "x"));
    oob.AddText(std::string(kOobNs), "url", url);
    if (!message.text.empty()) oob.AddText(std::string(kOobNs), "desc", message.text);
  } else {
    original.AddText(std::string(kClientNs), "body", message.text);
  }
  return out;
}

XmlElement MamFin(const ArchivePage& page) {
  XmlElement fin(std::string(kMamNs), "fin");
  fin.Set("complete", page.complete ? "true" : "false");
  XmlElement& set = fin.Add(XmlElement(std::string(kRsmNs), "set"));
  if (!page.messages.empty() || (!page.complete && page.last > 0)) {
    set.AddText(std::string(kRsmNs), "first", std::to_string(page.first));
    set.AddText(std::string(kRsmNs), "last", std::to_string(page.last));
  }
  return fin;
}

}  // namespace parley::xmpp
