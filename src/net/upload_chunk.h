// ReceiveUploadChunk: serves `PUT /api/v1/uploads/{id}` (docs/protocol.md, "Media") once the
// caller's token has been checked from the header. The chunk is checked against the upload
// (Content-Range, owner, offset) before its body is read; then the body goes from the socket to
// the upload's file in pieces of at most kChunkPieceBytes (written on the worker pool), so a
// chunk is never held whole in memory. A chunk refused before its body is read has the body read
// and thrown away (the client is still sending it and would miss the answer otherwise), except
// after `Expect: 100-continue`, when the client waits: then the answer closes the connection.
//
// Runs on the connection's event loop; the coroutine rule of net/api.h applies.
#ifndef PARLEY_NET_UPLOAD_CHUNK_H_
#define PARLEY_NET_UPLOAD_CHUNK_H_

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <functional>
#include <string_view>

#include "auth/auth_service.h"
#include "net/context.h"
#include "net/http_util.h"
#include "net/request_head.h"
#include "tls/stream.h"

namespace parley::net {

inline constexpr size_t kChunkPieceBytes = 64 * 1024;

struct ChunkAnswer {
  Response response;
  bool body_unread = false;  // the connection must close after the response
};

// Gives one piece of a request body to where it goes (called on a worker thread).
using BodyPieceWriter = std::function<Status(std::string_view piece)>;

// Reads a request body of at most `limit` bytes through to its end in pieces of at most
// kChunkPieceBytes, giving each to `write` on a worker, unless `write` is empty (the body is
// thrown away); counts them in the media metrics. `header` has read the header and is consumed.
// A transport failure sets `ec` (and returns OK); a failed write stops early with its status.
// `write` is taken by value: the coroutine runs after the call's temporaries are gone.
boost::asio::awaitable<Status> PumpBody(tls::Stream& stream, boost::beast::flat_buffer& buffer,
                                        HeaderParser& header, uint64_t limit, BodyPieceWriter write,
                                        Context& context, boost::beast::error_code& ec);

// `parser` has read the header (and nothing of the body); it is consumed. A transport failure
// while reading the body sets `ec` (no answer can be sent then).
boost::asio::awaitable<ChunkAnswer> ReceiveUploadChunk(tls::Stream& stream,
                                                       boost::beast::flat_buffer& buffer,
                                                       HeaderParser& parser,
                                                       const auth::Principal& me, Context& context,
                                                       boost::beast::error_code& ec);

}  // namespace parley::net

#endif  // PARLEY_NET_UPLOAD_CHUNK_H_
