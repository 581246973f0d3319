// Message search over HTTP (docs/protocol.md, "Search"): the response body and the opaque page
// cursor. Pure functions, thread-safe.
#ifndef PARLEY_PROTO_SEARCH_BODIES_H_
#define PARLEY_PROTO_SEARCH_BODIES_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "store/types.h"

namespace parley::proto {

// {"results": [{"message": {...}, "snippet": "..."}], "next": "CURSOR"} (next only when set).
std::string SearchBody(const store::SearchPage& page);

// The `before` cursor a client got as `next`; kMalformed for anything this server did not
// produce in that shape.
std::string EncodeSearchCursor(const store::SearchPosition& position);
Result<store::SearchPosition> DecodeSearchCursor(std::string_view cursor);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_SEARCH_BODIES_H_
