#include "chat/media/stickers.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/clock.h"
#include "base/random_hex.h"
#include "base/utf8.h"
#include "chat/media/media_rules.h"

namespace parley::chat {
namespace {

constexpr size_t kSlugRandomBytes = 16;

Status NoSuchPack() { return Status(Code::kNotFound, "no such sticker pack"); }

Status Full(std::string_view what, int64_t limit) {
  return Status(Code::kQuotaExceeded, "at most " + std::to_string(limit) + " " + std::string(what));
}

// The image types a sticker may be (the upload path checked the bytes and their pixels).
bool IsStickerImage(const store::Media& media) {
  return media.kind == "image" &&
         (media.mime == "image/png" || media.mime == "image/webp" || media.mime == "image/gif");
}

// Whether `ids` names each of `have` exactly once.
bool IsPermutation(std::vector<int64_t> ids, std::vector<int64_t> have) {
  std::sort(ids.begin(), ids.end());
  std::sort(have.begin(), have.end());
  return ids == have;
}

}  // namespace

Status CheckStickerText(std::string_view text, size_t max_bytes, std::string_view what) {
  if (text.empty()) return Status(Code::kInvalidArgument, std::string(what) + " is empty");
  if (text.size() > max_bytes) {
    return Status(Code::kTooLarge,
                  std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!IsValidUtf8(text))
    return Status(Code::kInvalidArgument, std::string(what) + " is not UTF-8");
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return Status(Code::kInvalidArgument, std::string(what) + " has control characters");
    }
  }
  return Status::Ok();
}

Stickers::Stickers(store::Store& store, MessageWriter& writer, const StickerLimits& limits)
    : store_(store), writer_(writer), limits_(limits) {}

Result<store::StickerPack> Stickers::CreatePack(int64_t me, std::string name) {
  if (Status s = CheckStickerText(name, limits_.name_bytes, "name"); !s.ok()) return s;
  store::StickerPack pack{.slug = RandomHex(kSlugRandomBytes),
                          .owner_id = me,
                          .name = std::move(name),
                          .created_at = NowMillis()};
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto owned = txn.OwnedStickerPackCount(me);
    if (!owned.ok()) return owned.status();
    if (*owned >= limits_.owned_packs)
      return Full("sticker packs of one's own", limits_.owned_packs);
    auto collected = txn.CollectedStickerPackCount(me);
    if (!collected.ok()) return collected.status();
    if (*collected >= limits_.collected_packs) {
      return Full("sticker packs in a collection", limits_.collected_packs);
    }
    auto id = txn.CreateStickerPack(pack);
    if (!id.ok()) return id.status();
    pack.id = *id;
    return Status::Ok();
  };
  if (Status s = writer_.Run(apply); !s.ok()) return s;
  return pack;
}

Result<store::StickerPack> Stickers::Get(std::string_view slug) {
  auto pack = store_.FindStickerPack(slug);
  if (!pack.ok()) return pack.status();
  if (!pack->has_value()) return NoSuchPack();
  return std::move(**pack);
}

Result<StickerShelf> Stickers::Shelf(int64_t me) {
  auto packs = store_.StickerCollection(me);
  if (!packs.ok()) return packs.status();
  auto recent = store_.RecentStickers(me);
  if (!recent.ok()) return recent.status();
  return StickerShelf{std::move(*packs), std::move(*recent)};
}

Status Stickers::ChangeOwnPack(
    int64_t me, std::string_view slug,
    const std::function<Status(store::WriteTxn&, const store::StickerPack&)>& change) {
  return writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto pack = txn.FindStickerPack(slug);
    if (!pack.ok()) return pack.status();
    if (!pack->has_value()) return NoSuchPack();
    if ((*pack)->owner_id != me) {
      return Status(Code::kForbidden, "only the owner may change a sticker pack");
    }
    return change(txn, **pack);
  });
}

Status Stickers::DeletePack(int64_t me, std::string_view slug) {
  return ChangeOwnPack(me, slug, [](store::WriteTxn& txn, const store::StickerPack& pack) {
    return txn.DeleteStickerPack(pack.id);
  });
}

Result<store::Sticker> Stickers::Add(int64_t me, std::string_view slug, std::string media_id,
                                     std::string keywords) {
  if (Status s = CheckStickerText(keywords, limits_.keywords_bytes, "keywords"); !s.ok()) {
    return s;
  }
  store::Sticker sticker{.media_id = std::move(media_id), .keywords = std::move(keywords)};
  Status added =
      ChangeOwnPack(me, slug, [&](store::WriteTxn& txn, const store::StickerPack& pack) -> Status {
        if (pack.stickers.size() >= limits_.pack_stickers) {
          return Full("stickers in a pack", static_cast<int64_t>(limits_.pack_stickers));
        }
        auto media = SendableMedia(txn, me, sticker.media_id);
        if (!media.ok()) return media.status();
        if (!IsStickerImage(*media)) {
          return Status(Code::kUnsupportedMedia, "a sticker must be a PNG, WebP or GIF image");
        }
        sticker.pack_id = pack.id;
        auto id = txn.AddSticker(sticker, NowMillis());
        if (!id.ok()) return id.status();
        sticker.id = *id;
        sticker.position = static_cast<int64_t>(pack.stickers.size()) + 1;
        sticker.media = std::move(*media);
        return Status::Ok();
      });
  if (!added.ok()) return added;
  return sticker;
}

Status Stickers::Remove(int64_t me, std::string_view slug, int64_t sticker_id) {
  return ChangeOwnPack(me, slug, [&](store::WriteTxn& txn, const store::StickerPack& pack) {
    return txn.RemoveSticker(pack.id, sticker_id);
  });
}

Status Stickers::Reorder(int64_t me, std::string_view slug,
                         const std::vector<int64_t>& sticker_ids) {
  return ChangeOwnPack(
      me, slug, [&](store::WriteTxn& txn, const store::StickerPack& pack) -> Status {
        std::vector<int64_t> have;
        for (const store::Sticker& s : pack.stickers) have.push_back(s.id);
        if (!IsPermutation(sticker_ids, have)) {
          return Status(Code::kInvalidArgument, "stickers must name each sticker of the pack once");
        }
        return txn.SetStickerOrder(pack.id, sticker_ids);
      });
}

Status Stickers::Collect(int64_t me, std::string_view slug, bool on) {
  if (slug == store::kDefaultStickerPackSlug) {
    return Status(Code::kInvalidArgument, "the built-in sticker pack is always shown");
  }
  return writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto pack = txn.FindStickerPack(slug);
    if (!pack.ok()) return pack.status();
    if (!pack->has_value()) return NoSuchPack();
    if (on) {
      auto collected = txn.CollectedStickerPackCount(me);
      if (!collected.ok()) return collected.status();
      if (*collected >= limits_.collected_packs) {
        return Full("sticker packs in a collection", limits_.collected_packs);
      }
    }
    auto changed = txn.SetStickerPackCollected(me, (*pack)->id, on);
    return changed.status();
  });
}

Status Stickers::ReorderCollection(int64_t me, const std::vector<std::string>& slugs) {
  std::set<std::string> distinct(slugs.begin(), slugs.end());
  if (distinct.size() != slugs.size()) {
    return Status(Code::kInvalidArgument, "packs must name each pack of the collection once");
  }
  auto current = store_.StickerCollection(me);
  if (!current.ok()) return current.status();
  return writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    std::vector<int64_t> ids;
    for (const std::string& slug : slugs) {
      auto pack = txn.FindStickerPack(slug);
      if (!pack.ok()) return pack.status();
      if (!pack->has_value() || (*pack)->owner_id == 0) {
        return Status(Code::kInvalidArgument, "packs must name each pack of the collection once");
      }
      ids.push_back((*pack)->id);
    }
    std::vector<int64_t> have;
    for (const store::StickerPack& pack : *current) {
      if (pack.owner_id != 0) have.push_back(pack.id);
    }
    if (!IsPermutation(ids, have)) {
      return Status(Code::kInvalidArgument, "packs must name each pack of the collection once");
    }
    return txn.SetStickerCollectionOrder(me, ids);
  });
}

}  // namespace parley::chat
