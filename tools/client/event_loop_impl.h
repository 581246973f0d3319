// Internal to parley_client: the Asio state behind EventLoop. Include only from tools/client .cc
// files (after the Asio precompiled header).
#ifndef PARLEY_TOOLS_CLIENT_EVENT_LOOP_IMPL_H_
#define PARLEY_TOOLS_CLIENT_EVENT_LOOP_IMPL_H_

#include <boost/asio/io_context.hpp>
#include <utility>

#include "client/event_loop.h"

namespace parley::client {

struct EventLoop::Impl {
  boost::asio::io_context io{1};
};

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_EVENT_LOOP_IMPL_H_
