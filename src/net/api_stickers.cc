// The HTTP routes of sticker packs (docs/protocol.md, "Sticker packs"):
//   GET    /api/v1/stickers                              the picker's shelf: packs and recent
//   POST   /api/v1/stickers/packs                        {"name"}: a new pack of one's own
//   GET    /api/v1/stickers/packs/{slug}                 one pack (anyone logged in)
//   DELETE /api/v1/stickers/packs/{slug}                 the owner deletes it
//   POST   /api/v1/stickers/packs/{slug}/stickers        {"media", "keywords"}: the owner adds
//   DELETE /api/v1/stickers/packs/{slug}/stickers/{id}   the owner removes one
//   PUT    /api/v1/stickers/packs/{slug}/order           {"stickers": [ids]}: the owner reorders
//   PUT    /api/v1/stickers/collection                   {"packs": [slugs]}: reorders
//   PUT    /api/v1/stickers/collection/{slug}            adds the pack; DELETE removes it
// Every handler runs the blocking chat::Stickers call on the worker pool.
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/sticker_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// Routes under /stickers/packs/{slug}.
awaitable<std::optional<Response>> OnePack(const Request& request, const Segments& path,
                                           chat::Stickers& stickers, Context& context, int64_t me) {
  const auto method = request.method();
  const std::string& slug = path[4];
  if (path.size() == 5 && method == http::verb::get) {
    auto pack = co_await OnWorker(context.workers, [&] { return stickers.Get(slug); });
    if (!pack.ok()) co_return ErrorResponse(request, pack.status());
    co_return JsonResponse(request, 200, proto::PackBody(*pack, me));
  }
  if (path.size() == 5 && method == http::verb::delete_) {
    Status s = co_await OnWorker(context.workers, [&] { return stickers.DeletePack(me, slug); });
    co_return StatusResponse(request, s);
  }
  if (path.size() == 6 && path[5] == "stickers" && method == http::verb::post) {
    auto body = proto::DecodeStickerAdd(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto sticker = co_await OnWorker(context.workers, [&] {
      return stickers.Add(me, slug, std::move(body->media), std::move(body->keywords));
    });
    if (!sticker.ok()) co_return ErrorResponse(request, sticker.status());
    co_return JsonResponse(request, 201, proto::StickerBody(*sticker));
  }
  if (path.size() == 7 && path[5] == "stickers" && method == http::verb::delete_) {
    auto id = ParseInt(path[6]);
    if (!id || *id <= 0)
      co_return ErrorResponse(request, Status(Code::kNotFound, "no such sticker"));
    Status s = co_await OnWorker(context.workers, [&] { return stickers.Remove(me, slug, *id); });
    co_return StatusResponse(request, s);
  }
  if (path.size() == 6 && path[5] == "order" && method == http::verb::put) {
    auto order = proto::DecodeStickerOrder(request.body());
    if (!order.ok()) co_return ErrorResponse(request, order.status());
    Status s =
        co_await OnWorker(context.workers, [&] { return stickers.Reorder(me, slug, *order); });
    co_return StatusResponse(request, s);
  }
  co_return std::nullopt;
}

}  // namespace

RouteResult HandleStickersApi(const Request& request, const Segments& path,
                              const auth::Principal& me, Context& context) {
  if (context.stickers == nullptr) {
    co_return ErrorResponse(request, Status(Code::kUnavailable, "sticker packs are not served"));
  }
  chat::Stickers& stickers = *context.stickers;
  const auto method = request.method();
  const int64_t self = me.user.id;
  if (path.size() == 3 && method == http::verb::get) {
    auto shelf = co_await OnWorker(context.workers, [&] { return stickers.Shelf(self); });
    if (!shelf.ok()) co_return ErrorResponse(request, shelf.status());
    co_return JsonResponse(request, 200, proto::ShelfBody(*shelf, self));
  }
  if (path.size() == 4 && path[3] == "packs" && method == http::verb::post) {
    auto name = proto::DecodePackName(request.body());
    if (!name.ok()) co_return ErrorResponse(request, name.status());
    auto pack = co_await OnWorker(context.workers,
                                  [&] { return stickers.CreatePack(self, std::move(*name)); });
    if (!pack.ok()) co_return ErrorResponse(request, pack.status());
    co_return JsonResponse(request, 201, proto::PackBody(*pack, self));
  }
  if (path.size() >= 5 && path[3] == "packs") {
    co_return co_await OnePack(request, path, stickers, context, self);
  }
  if (path.size() == 4 && path[3] == "collection" && method == http::verb::put) {
    auto order = proto::DecodePackOrder(request.body());
    if (!order.ok()) co_return ErrorResponse(request, order.status());
    Status s = co_await OnWorker(context.workers,
                                 [&] { return stickers.ReorderCollection(self, *order); });
    co_return StatusResponse(request, s);
  }
  if (path.size() == 5 && path[3] == "collection" &&
      (method == http::verb::put || method == http::verb::delete_)) {
    const bool on = method == http::verb::put;
    const std::string& slug = path[4];
    Status s = co_await OnWorker(context.workers, [&] { return stickers.Collect(self, slug, on); });
    co_return StatusResponse(request, s);
  }
  co_return std::nullopt;
}

}  // namespace parley::net
