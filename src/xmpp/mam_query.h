// MamQuery: an XEP-0313 (urn:xmpp:mam:2) archive query as this server answers it, read from
// the <query/> of an iq set: its data form (XEP-0004: FORM_TYPE, with, start, end) and its
// result set (XEP-0059: max, before, after). Parley's archive ids are the seqs of one
// conversation: a query of the user's archive names the direct conversation with `with`
// (the caller refuses one without), a query of a room's archive reads the room's group. Pure,
// thread-safe; docs/xmpp.md, "MAM".
#ifndef PARLEY_XMPP_MAM_QUERY_H_
#define PARLEY_XMPP_MAM_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "xmpp/jid.h"
#include "xmpp/namespaces.h"
#include "xmpp/xml_element.h"

namespace parley::xmpp {

inline constexpr int kMamMaxPage = 100;  // results per page at most (a larger max is cut)

struct MamQuery {
  std::string query_id;           // echoed in each result; may be empty
  Jid with;                       // a bare JID; empty (no domain) when the form has none
  std::optional<int64_t> start;   // only messages at or after (ms since the epoch)
  std::optional<int64_t> end;     // only messages at or before
  int max = kMamMaxPage;          // 0 to kMamMaxPage
  bool backwards = false;         // <before/>: the page ends at `before` (or the newest)
  std::optional<int64_t> before;  // a seq; with backwards, nullopt means the newest
  int64_t after = 0;              // forwards: the page starts after this seq (0: the oldest)
};

enum class MamArchive { kUser, kRoom };  // whose archive the query is sent to

// kInvalidArgument (bad-request) for a form of another FORM_TYPE, a field this server does not
// know, a malformed `with` (or any `with` in a room's query), a date that is no XEP-0082
// date-time, start after end, a max that is no number of at most 9 digits, both before and
// after; kNotFound (item-not-found) for a before/after that is no seq. A max over kMamMaxPage
// is cut to it.
Result<MamQuery> ParseMamQuery(const XmlElement& query, MamArchive archive = MamArchive::kUser);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_MAM_QUERY_H_
