// FileReply: an HTTP response whose body is a byte range of an open file (media downloads). It
// is streamed in pieces of kFilePieceBytes, so a 100 MiB file never sits in memory; each piece
// is read from the local disk on the connection's event loop (short reads, no long blocking).
#ifndef PARLEY_NET_FILE_REPLY_H_
#define PARLEY_NET_FILE_REPLY_H_

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/message.hpp>
#include <chrono>
#include <cstdint>

#include "tls/stream.h"

namespace parley::net {

inline constexpr size_t kFilePieceBytes = 64 * 1024;

struct FileReply {
  boost::beast::http::response_header<> head;  // status and headers; Write sets Content-Length
  boost::beast::file file;                     // open for reading
  int64_t offset = 0;                          // the bytes sent: [offset, offset + length)
  int64_t length = 0;
  bool keep_alive = true;  // what the request asked for
};

// Writes the reply; `piece_timeout` bounds each piece's write. Sets `ec` on failure (then the
// connection must be closed: the body is cut short).
boost::asio::awaitable<void> WriteFileReply(tls::Stream& stream, FileReply& reply,
                                            std::chrono::milliseconds piece_timeout,
                                            boost::beast::error_code& ec);

}  // namespace parley::net

#endif  // PARLEY_NET_FILE_REPLY_H_
