// OnWorker: runs a blocking function on the worker pool from inside a coroutine and resumes
// the coroutine on its own executor (its event loop) with the result. This is how net/ calls the
// blocking services (auth, store reads) without ever blocking an I/O thread.
// OnPool: the same on a bounded WorkPool (hashing, media); when the pool is full the function
// does not run and the result is kUnavailable (the function returns a Status or a Result).
//
// (It is written with async_initiate rather than co_spawn of a capturing lambda coroutine:
// g++ 12 destroys such lambda captures twice.)
#ifndef PARLEY_NET_BLOCKING_H_
#define PARLEY_NET_BLOCKING_H_

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/status.h"
#include "net/work_pool.h"

namespace parley::net {

template <typename F>
auto OnWorker(boost::asio::thread_pool& pool, F fn)
    -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<F&>;
  auto initiate = [&pool](auto handler, F work) {
    // Keeps the caller's event loop alive while the work is away on the pool.
    auto home = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    asio::post(pool, [handler = std::move(handler), work = std::move(work),
                      home = std::move(home)]() mutable {
      std::optional<R> result(work());
      asio::dispatch(home, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  };
  std::optional<R> result =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::optional<R>)>(
          initiate, asio::use_awaitable, std::move(fn));
  co_return std::move(*result);
}

template <typename F>
auto OnPool(WorkPool& pool, F fn) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  std::optional<WorkPool::Ticket> ticket = pool.TryReserve();
  if (!ticket) co_return R(Status(Code::kUnavailable, "the server is busy; retry later"));
  auto working = OnWorker(pool.threads(), std::move(fn));
  co_return co_await std::move(working);  // the ticket is held until the result is back
}

}  // namespace parley::net

#endif  // PARLEY_NET_BLOCKING_H_
