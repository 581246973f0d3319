// The HTTP side of upload slots (chat/media/upload_slots.h; XEP-0363, docs/xmpp.md "HTTP
// upload"): capability URLs under /xmpp-upload/TOKEN/FILENAME, answered without a token or
// cookie (the TOKEN is the credential; the file name is only for the client's eyes).
//
// - PUT with a PUT token: the whole file in one body whose Content-Length must be the slot's
//   declared size (else 422, 413 when larger; 422 when absent or chunked), checked before the body
//   is read. The body goes to the upload in chunks of the media service's chunk size as it
//   arrives, then the upload is completed (sniffed and processed as the native upload's
//   completion, on the media pool, within the per-user completion cap): 201 Created. The slot
//   is single use: a token whose upload is finished, expired, abandoned or never made is 404; a
//   PUT that fails halfway (short body, bytes that are not the declared image) abandons the
//   upload, so nothing is stored.
// - GET or HEAD with a GET token: the media as /api/v1/media/{id} serves it (ranges, ETag).
// - Any other method: 405.
//
// Runs on the connection's event loop; the coroutine rule of net/api.h applies.
#ifndef PARLEY_NET_UPLOAD_SLOT_HTTP_H_
#define PARLEY_NET_UPLOAD_SLOT_HTTP_H_

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <string_view>

#include "net/api.h"
#include "net/context.h"
#include "net/request_head.h"
#include "tls/stream.h"

namespace parley::net {

inline constexpr std::string_view kUploadSlotPrefix = "/xmpp-upload/";

struct SlotAnswer {
  ApiResponse response;
  bool body_unread = false;  // the connection must close after the response
};

// Whether the request's target is under kUploadSlotPrefix.
bool IsUploadSlotRequest(std::string_view target);

// Answers the request whose header `parser` has read (its body, if any, is consumed or left
// unread as SlotAnswer says). A transport failure sets `ec`.
boost::asio::awaitable<SlotAnswer> ServeUploadSlot(tls::Stream& stream,
                                                   boost::beast::flat_buffer& buffer,
                                                   HeaderParser& parser, Context& context,
                                                   boost::beast::error_code& ec);

}  // namespace parley::net

#endif  // PARLEY_NET_UPLOAD_SLOT_HTTP_H_
