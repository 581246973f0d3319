#include "proto/sticker_bodies.h"

#include <utility>

#include "base/json_writer.h"
#include "proto/json_reader.h"
#include "proto/media_bodies.h"

namespace parley::proto {
namespace {

void WriteSticker(JsonWriter& w, const store::Sticker& sticker) {
  w.BeginObject()
      .Field("id", sticker.id)
      .Field("keywords", sticker.keywords)
      .Field("position", sticker.position);
  if (sticker.media) WriteMediaDescriptor(w.Key("media"), *sticker.media);
  w.EndObject();
}

void WritePack(JsonWriter& w, const store::StickerPack& pack, int64_t me) {
  w.BeginObject()
      .Field("slug", pack.slug)
      .Field("name", pack.name)
      .Field("builtin", pack.owner_id == 0)
      .Field("mine", pack.owner_id != 0 && pack.owner_id == me)
      .Field("owner_id", pack.owner_id)
      .Field("created_at", pack.created_at);
  w.Key("stickers").BeginArray();
  for (const store::Sticker& sticker : pack.stickers) WriteSticker(w, sticker);
  w.EndArray().EndObject();
}

// The array at `key`, each element checked by `take` (false: malformed).
template <typename T, typename Take>
Result<std::vector<T>> ReadArray(std::string_view body, const char* key, const char* what,
                                 Take&& take) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto it = object->find(key);
  const Status malformed =
      Status(Code::kMalformed, std::string("field '") + key + "' must be an array of " + what);
  if (it == object->end() || !it->is_array()) return malformed;
  std::vector<T> out;
  for (const nlohmann::json& item : *it) {
    std::optional<T> value = take(item);
    if (!value) return malformed;
    out.push_back(std::move(*value));
  }
  return out;
}

}  // namespace

Result<std::string> DecodePackName(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return RequiredString(*object, "name");
}

Result<StickerRequest> DecodeStickerAdd(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto media = RequiredString(*object, "media");
  if (!media.ok()) return media.status();
  auto keywords = RequiredString(*object, "keywords");
  if (!keywords.ok()) return keywords.status();
  return StickerRequest{std::move(*media), std::move(*keywords)};
}

Result<std::vector<int64_t>> DecodeStickerOrder(std::string_view body) {
  return ReadArray<int64_t>(body, "stickers", "sticker ids",
                            [](const nlohmann::json& item) -> std::optional<int64_t> {
                              if (!item.is_number_integer()) return std::nullopt;
                              return item.get<int64_t>();
                            });
}

Result<std::vector<std::string>> DecodePackOrder(std::string_view body) {
  return ReadArray<std::string>(body, "packs", "pack slugs",
                                [](const nlohmann::json& item) -> std::optional<std::string> {
                                  if (!item.is_string()) return std::nullopt;
                                  return item.get<std::string>();
                                });
}

std::string PackBody(const store::StickerPack& pack, int64_t me) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("pack");
  WritePack(w, pack, me);
  w.EndObject();
  return out;
}

std::string StickerBody(const store::Sticker& sticker) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("sticker");
  WriteSticker(w, sticker);
  w.EndObject();
  return out;
}

std::string ShelfBody(const chat::StickerShelf& shelf, int64_t me) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("packs").BeginArray();
  for (const store::StickerPack& pack : shelf.packs) WritePack(w, pack, me);
  w.EndArray().Key("recent").BeginArray();
  for (const store::Sticker& sticker : shelf.recent) WriteSticker(w, sticker);
  w.EndArray().EndObject();
  return out;
}

}  // namespace parley::proto
