// The header of an HTTP request read before its body (net/http_session.cc reads every request
// this way, so limits and the token are checked before any body byte is read).
#ifndef PARLEY_NET_REQUEST_HEAD_H_
#define PARLEY_NET_REQUEST_HEAD_H_

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "net/http_util.h"

namespace parley::net {

// Reads a header only; convert it to a parser of another body type to read the body.
using HeaderParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// A request with the parser's header and no body, for answering before the body is read.
inline Request HeadOf(const HeaderParser& parser) {
  Request request;
  request.base() = parser.get().base();
  return request;
}

}  // namespace parley::net

#endif  // PARLEY_NET_REQUEST_HEAD_H_
