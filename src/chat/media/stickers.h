// Stickers: sticker packs of the chat domain (docs/protocol.md, "Sticker packs"). A user
// creates packs and adds stickers (their own uploaded images), removes and reorders them, and
// deletes a pack; anyone logged in who has a pack's link (its slug) may open it and add it to
// their collection, which they reorder and trim. Only the owner changes a pack: anyone else
// gets kForbidden (a pack is not secret once its link is known; a wrong slug is kNotFound).
// Who may send which sticker is UsableSticker's rule (store.h); the send path applies it
// (chat/messaging/message_writer.cc).
//
// Media lifetime: a sticker's image becomes public media (like an avatar) when it is added,
// and stays when the sticker or its pack is deleted, so a message that carries it keeps
// showing it. It goes with its uploader's account (account erasure removes their media).
//
// Thread-safety: all methods are thread-safe and blocking: call them from worker threads.
// Writes run as MessageWriter tasks, so a send sees a pack change in commit order.
// Ownership: borrows the store and the writer; both must outlive it.
#ifndef PARLEY_CHAT_MEDIA_STICKERS_H_
#define PARLEY_CHAT_MEDIA_STICKERS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"

namespace parley::chat {

struct StickerLimits {
  int64_t owned_packs = 20;       // packs one user may own
  int64_t collected_packs = 100;  // packs in one collection (their own included)
  size_t pack_stickers = 60;      // stickers in one pack
  size_t name_bytes = 64;         // a pack's name: 1..64 bytes of UTF-8
  size_t keywords_bytes = 64;     // a sticker's keywords: 1..64 bytes of UTF-8
};

// Stickers in a user's "recent" row (kept server-side: every device shows the same row).
inline constexpr int kRecentStickerCount = 24;

// What the sticker picker shows: the built-in pack, then the collection, and recent stickers.
struct StickerShelf {
  std::vector<store::StickerPack> packs;
  std::vector<store::Sticker> recent;
};

class Stickers {
 public:
  Stickers(store::Store& store, MessageWriter& writer, const StickerLimits& limits = {});

  // kQuotaExceeded past owned_packs or collected_packs; kInvalidArgument / kTooLarge for a name
  // that is empty, not UTF-8, has control characters or is too long.
  Result<store::StickerPack> CreatePack(int64_t me, std::string name);
  // Anyone logged in; kNotFound "no such sticker pack".
  Result<store::StickerPack> Get(std::string_view slug);
  Result<StickerShelf> Shelf(int64_t me);
  // The owner only (kForbidden otherwise).
  Status DeletePack(int64_t me, std::string_view slug);
  // `media_id` must be an image `me` uploaded (kNotFound "no such media", kUnsupportedMedia);
  // keywords as a name is checked; kQuotaExceeded past pack_stickers.
  Result<store::Sticker> Add(int64_t me, std::string_view slug, std::string media_id,
                             std::string keywords);
  Status Remove(int64_t me, std::string_view slug, int64_t sticker_id);
  // `sticker_ids` must name each of the pack's stickers once (kInvalidArgument).
  Status Reorder(int64_t me, std::string_view slug, const std::vector<int64_t>& sticker_ids);
  // Adds (on) or removes a pack from `me`'s collection; the built-in pack is always shown
  // (kInvalidArgument).
  Status Collect(int64_t me, std::string_view slug, bool on);
  // `slugs` must name each pack of the collection once (kInvalidArgument).
  Status ReorderCollection(int64_t me, const std::vector<std::string>& slugs);

  const StickerLimits& limits() const { return limits_; }

 private:
  // Runs `change` on the pack in a writer task once the pack is found and `me` owns it.
  Status ChangeOwnPack(
      int64_t me, std::string_view slug,
      const std::function<Status(store::WriteTxn&, const store::StickerPack&)>& change);

  store::Store& store_;
  MessageWriter& writer_;
  StickerLimits limits_;
};

// A name or keywords: kInvalidArgument unless 1..max_bytes of UTF-8 without control
// characters (kTooLarge past max_bytes). `what` names the field in the message.
Status CheckStickerText(std::string_view text, size_t max_bytes, std::string_view what);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MEDIA_STICKERS_H_
