// HttpApi: sticker packs (docs/protocol.md, "Sticker packs").
#include "client/http_api.h"
#include "client/reply.h"

namespace parley::client {

using nlohmann::json;

using reply::Member;

namespace {

std::string PackPath(std::string_view slug) { return "/stickers/packs/" + EscapePathSegment(slug); }

}  // namespace

Result<json> HttpApi::StickerShelf() { return Call("GET", "/stickers"); }

Result<json> HttpApi::CreateStickerPack(std::string_view name) {
  return Member(Call("POST", "/stickers/packs", json{{"name", name}}), "pack");
}

Result<json> HttpApi::StickerPack(std::string_view slug) {
  return Member(Call("GET", PackPath(slug)), "pack");
}

Status HttpApi::DeleteStickerPack(std::string_view slug) {
  return reply::StatusOf(Call("DELETE", PackPath(slug)));
}

Result<json> HttpApi::AddSticker(std::string_view slug, std::string_view media_id,
                                 std::string_view keywords) {
  return Member(
      Call("POST", PackPath(slug) + "/stickers", json{{"media", media_id}, {"keywords", keywords}}),
      "sticker");
}

Status HttpApi::RemoveSticker(std::string_view slug, int64_t sticker_id) {
  return reply::StatusOf(
      Call("DELETE", PackPath(slug) + "/stickers/" + std::to_string(sticker_id)));
}

Status HttpApi::ReorderStickers(std::string_view slug, const std::vector<int64_t>& sticker_ids) {
  return reply::StatusOf(Call("PUT", PackPath(slug) + "/order", json{{"stickers", sticker_ids}}));
}

Status HttpApi::CollectStickerPack(std::string_view slug, bool on) {
  return reply::StatusOf(
      Call(on ? "PUT" : "DELETE", "/stickers/collection/" + EscapePathSegment(slug)));
}

Status HttpApi::ReorderStickerCollection(const std::vector<std::string>& slugs) {
  return reply::StatusOf(Call("PUT", "/stickers/collection", json{{"packs", slugs}}));
}

}  // namespace parley::client
