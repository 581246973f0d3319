// Wire encoding of sticker packs (docs/protocol.md, "Sticker packs"): the HTTP request bodies
// decoded and the response bodies encoded. Decoding fails only with kMalformed (shape and
// types); value rules belong to chat/media/stickers.h. Pure functions, thread-safe.
#ifndef PARLEY_PROTO_STICKER_BODIES_H_
#define PARLEY_PROTO_STICKER_BODIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "chat/media/stickers.h"
#include "store/types.h"

namespace parley::proto {

struct StickerRequest {
  std::string media;
  std::string keywords;
};

// {"name"}.
Result<std::string> DecodePackName(std::string_view body);
// {"media", "keywords"}.
Result<StickerRequest> DecodeStickerAdd(std::string_view body);
// {"stickers": [ids]}.
Result<std::vector<int64_t>> DecodeStickerOrder(std::string_view body);
// {"packs": [slugs]}.
Result<std::vector<std::string>> DecodePackOrder(std::string_view body);

// {"pack": {...}}: `me` decides "mine".
std::string PackBody(const store::StickerPack& pack, int64_t me);
std::string StickerBody(const store::Sticker& sticker);              // {"sticker": {...}}
std::string ShelfBody(const chat::StickerShelf& shelf, int64_t me);  // {"packs", "recent"}

}  // namespace parley::proto

#endif  // PARLEY_PROTO_STICKER_BODIES_H_
