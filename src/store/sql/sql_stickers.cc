// The SQLite store's sticker packs: packs, their stickers, each user's collection (an ordered
// list of packs) and recently sent stickers. Reads run on pooled read connections; writes
// inside the caller's Write. Both share the row helpers below.
#include <utility>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

#define PARLEY_PACK_COLUMNS "id, slug, owner_id, name, created_at"
#define PARLEY_STICKER_COLUMNS "id, pack_id, media_id, keywords, position"

StickerPack ReadPack(const Statement& row, int first) {
  StickerPack pack;
  pack.id = row.ColumnInt(first);
  pack.slug = row.ColumnText(first + 1);
  pack.owner_id = row.ColumnInt(first + 2);
  pack.name = row.ColumnText(first + 3);
  pack.created_at = row.ColumnInt(first + 4);
  return pack;
}

Sticker ReadSticker(const Statement& row, int first) {
  Sticker sticker;
  sticker.id = row.ColumnInt(first);
  sticker.pack_id = row.ColumnInt(first + 1);
  sticker.media_id = row.ColumnText(first + 2);
  sticker.keywords = row.ColumnText(first + 3);
  sticker.position = row.ColumnInt(first + 4);
  return sticker;
}

// Fills in the media descriptor of each sticker that has one.
Status FillStickerMedia(std::string_view op, Db& db, std::vector<Sticker>& stickers) {
  for (Sticker& sticker : stickers) {
    if (sticker.media_id.empty()) continue;
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MEDIA_COLUMNS " FROM media WHERE id = ?1");
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    stmt->BindText(1, sticker.media_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (*row) sticker.media = ReadMedia(*stmt);
  }
  return Status::Ok();
}

Result<std::vector<Sticker>> PackStickers(std::string_view op, Db& db, int64_t pack_id,
                                          bool with_media) {
  Result<Statement> stmt = db.Prepare("SELECT " PARLEY_STICKER_COLUMNS
                                      " FROM stickers WHERE pack_id = ?1 ORDER BY position, id");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, pack_id);
  auto stickers = ReadAll(op, *stmt, &ReadSticker);
  if (!stickers.ok() || !with_media) return stickers;
  stmt->Reset();
  if (Status s = FillStickerMedia(op, db, *stickers); !s.ok()) return s;
  return stickers;
}

// The packs `sql` (with ?1 bound to `key`) yields, each with its stickers.
Result<std::vector<StickerPack>> ReadPacks(std::string_view op, Db& db, std::string_view sql,
                                           int64_t key, bool with_media) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, key);
  auto packs = ReadAll(op, *stmt, &ReadPack);
  if (!packs.ok()) return packs.status();
  stmt->Reset();
  for (StickerPack& pack : *packs) {
    auto stickers = PackStickers(op, db, pack.id, with_media);
    if (!stickers.ok()) return stickers.status();
    pack.stickers = std::move(*stickers);
  }
  return packs;
}

Result<std::optional<StickerPack>> FindPackOn(std::string_view op, Db& db, std::string_view slug,
                                              bool with_media) {
  using R = std::optional<StickerPack>;
  Result<Statement> stmt =
      db.Prepare("SELECT " PARLEY_PACK_COLUMNS " FROM sticker_packs WHERE slug = ?1");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindText(1, slug);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return R();
  StickerPack pack = ReadPack(*stmt, 0);
  stmt->Reset();
  auto stickers = PackStickers(op, db, pack.id, with_media);
  if (!stickers.ok()) return stickers.status();
  pack.stickers = std::move(*stickers);
  return R(std::move(pack));
}

Result<int64_t> CountOn(std::string_view op, Db& db, std::string_view sql, int64_t key) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, key);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  return *row ? stmt->ColumnInt(0) : 0;
}

// Sets `position` = index in `ids` for each row `sql` (?1 = key, ?2 = id, ?3 = position) names.
Status Reorder(std::string_view op, Db& db, std::string_view sql, int64_t key,
               const std::vector<int64_t>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    Result<Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    stmt->BindInt(1, key);
    stmt->BindInt(2, ids[i]);
    stmt->BindInt(3, static_cast<int64_t>(i) + 1);
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure(op, s);
  }
  return Status::Ok();
}

}  // namespace

// --- WriteTxn ---

Result<int64_t> SqlWriteTxn::CreateStickerPack(const StickerPack& pack) {
  return Guarded<int64_t>([&] {
    return InSavepoint<int64_t>("CreateStickerPack", [&]() -> Result<int64_t> {
      Result<Statement> stmt = db_.Prepare(
          "INSERT INTO sticker_packs (slug, owner_id, name, created_at) VALUES (?1, ?2, ?3, ?4) "
          "RETURNING id");
      if (!stmt.ok()) return StoreFailure("CreateStickerPack", stmt.status());
      stmt->BindText(1, pack.slug);
      stmt->BindInt(2, pack.owner_id);
      stmt->BindText(3, pack.name);
      stmt->BindInt(4, pack.created_at);
      Result<bool> row = stmt->Step();
      if (!row.ok()) {
        if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "sticker pack exists");
        return StoreFailure("CreateStickerPack", row.status());
      }
      const int64_t id = stmt->ColumnInt(0);
      stmt->Reset();
      Result<bool> collected = SetStickerPackCollected(pack.owner_id, id, true);
      if (!collected.ok()) return collected.status();
      return id;
    });
  });
}

Result<std::optional<StickerPack>> SqlWriteTxn::FindStickerPack(std::string_view slug) {
  return Guarded<std::optional<StickerPack>>(
      [&] { return FindPackOn("FindStickerPack", db_, slug, false); });
}

Result<int64_t> SqlWriteTxn::OwnedStickerPackCount(int64_t user_id) {
  return Guarded<int64_t>([&] {
    return CountOn("OwnedStickerPackCount", db_,
                   "SELECT count(*) FROM sticker_packs WHERE owner_id = ?1", user_id);
  });
}

Result<int64_t> SqlWriteTxn::CollectedStickerPackCount(int64_t user_id) {
  return Guarded<int64_t>([&] {
    return CountOn("CollectedStickerPackCount", db_,
                   "SELECT count(*) FROM sticker_collections WHERE user_id = ?1", user_id);
  });
}

// Collections and recent rows go by ON DELETE CASCADE.
Status SqlWriteTxn::DeleteStickerPack(int64_t pack_id) {
  return RunGroupWrite(
      "DeleteStickerPack", "DELETE FROM sticker_packs WHERE id = ?1 RETURNING 1",
      [&](Statement& s) { s.BindInt(1, pack_id); },
      Status(Code::kNotFound, "no such sticker pack"));
}

Result<int64_t> SqlWriteTxn::AddSticker(const Sticker& sticker, int64_t at) {
  return Guarded<int64_t>([&] {
    return InSavepoint<int64_t>("AddSticker", [&]() -> Result<int64_t> {
      Result<Statement> stmt = db_.Prepare(
          "INSERT INTO stickers (pack_id, media_id, keywords, position) VALUES (?1, ?2, ?3, "
          "(SELECT coalesce(max(position), 0) + 1 FROM stickers WHERE pack_id = ?1)) "
          "RETURNING id");
      if (!stmt.ok()) return StoreFailure("AddSticker", stmt.status());
      stmt->BindInt(1, sticker.pack_id);
      stmt->BindText(2, sticker.media_id);
      stmt->BindText(3, sticker.keywords);
      Result<bool> row = stmt->Step();
      if (!row.ok()) {
        if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such sticker pack");
        return StoreFailure("AddSticker", row.status());
      }
      const int64_t id = stmt->ColumnInt(0);
      stmt->Reset();
      if (Status s = MakeMediaPublic(sticker.media_id, at); !s.ok()) return s;
      return id;
    });
  });
}

Status SqlWriteTxn::RemoveSticker(int64_t pack_id, int64_t sticker_id) {
  return RunGroupWrite(
      "RemoveSticker", "DELETE FROM stickers WHERE id = ?2 AND pack_id = ?1 RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, pack_id);
        s.BindInt(2, sticker_id);
      },
      Status(Code::kNotFound, "no such sticker"));
}

Status SqlWriteTxn::SetStickerOrder(int64_t pack_id, const std::vector<int64_t>& sticker_ids) {
  Result<bool> done = Guarded<bool>([&]() -> Result<bool> {
    Status s = Reorder("SetStickerOrder", db_,
                       "UPDATE stickers SET position = ?3 WHERE pack_id = ?1 AND id = ?2", pack_id,
                       sticker_ids);
    if (!s.ok()) return s;
    return true;
  });
  return done.status();
}

Result<bool> SqlWriteTxn::SetStickerPackCollected(int64_t user_id, int64_t pack_id, bool on) {
  Result<int> changed =
      on ? Change("SetStickerPackCollected",
                  "INSERT INTO sticker_collections (user_id, pack_id, position) VALUES (?1, ?2, "
                  "(SELECT coalesce(max(position), 0) + 1 FROM sticker_collections "
                  "WHERE user_id = ?1)) ON CONFLICT DO NOTHING RETURNING 1",
                  user_id, pack_id)
         : Change("SetStickerPackCollected",
                  "DELETE FROM sticker_collections WHERE user_id = ?1 AND pack_id = ?2 "
                  "RETURNING 1",
                  user_id, pack_id);
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Status SqlWriteTxn::SetStickerCollectionOrder(int64_t user_id,
                                              const std::vector<int64_t>& pack_ids) {
  Result<bool> done = Guarded<bool>([&]() -> Result<bool> {
    Status s = Reorder("SetStickerCollectionOrder", db_,
                       "UPDATE sticker_collections SET position = ?3 "
                       "WHERE user_id = ?1 AND pack_id = ?2",
                       user_id, pack_ids);
    if (!s.ok()) return s;
    return true;
  });
  return done.status();
}

Result<std::optional<Sticker>> SqlWriteTxn::UsableSticker(int64_t user_id, int64_t sticker_id) {
  using R = std::optional<Sticker>;
  return Guarded<R>([&]() -> Result<R> {
    Result<Statement> stmt = db_.Prepare(
        "SELECT s.id, s.pack_id, s.media_id, s.keywords, s.position FROM stickers AS s "
        "JOIN sticker_packs AS p ON p.id = s.pack_id WHERE s.id = ?2 AND (p.owner_id IN (0, ?1) "
        "OR EXISTS (SELECT 1 FROM sticker_collections AS c "
        "WHERE c.user_id = ?1 AND c.pack_id = p.id))");
    if (!stmt.ok()) return StoreFailure("UsableSticker", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, sticker_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("UsableSticker", row.status());
    if (!*row) return R();
    return R(ReadSticker(*stmt, 0));
  });
}

Status SqlWriteTxn::TouchRecentSticker(int64_t user_id, int64_t sticker_id, int64_t at, int keep) {
  Result<bool> done = Guarded<bool>([&]() -> Result<bool> {
    Result<int> touched =
        Change("TouchRecentSticker",
               "INSERT INTO recent_stickers (user_id, sticker_id, used_at) "
               "VALUES (?1, ?2, ?3) ON CONFLICT (user_id, sticker_id) DO UPDATE SET used_at = ?3 "
               "RETURNING 1",
               user_id, sticker_id, at);
    if (!touched.ok()) return touched.status();
    Result<int> trimmed = Change("TouchRecentSticker",
                                 "DELETE FROM recent_stickers WHERE user_id = ?1 AND sticker_id "
                                 "NOT IN (SELECT sticker_id FROM recent_stickers WHERE user_id = "
                                 "?1 ORDER BY used_at DESC, sticker_id DESC LIMIT ?2) RETURNING 1",
                                 user_id, keep);
    if (!trimmed.ok()) return trimmed.status();
    return true;
  });
  return done.status();
}

// --- Store reads ---

Result<std::optional<StickerPack>> SqlStore::FindStickerPack(std::string_view slug) {
  return WithReader("FindStickerPack",
                    [&](Db& db) { return FindPackOn("FindStickerPack", db, slug, true); });
}

Result<std::vector<StickerPack>> SqlStore::StickerCollection(int64_t user_id) {
  return WithReader("StickerCollection", [&](Db& db) -> Result<std::vector<StickerPack>> {
    Transaction txn(db);  // packs and stickers from one snapshot
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) {
      return StoreFailure("StickerCollection", s);
    }
    auto packs =
        ReadPacks("StickerCollection", db,
                  "SELECT p.id, p.slug, p.owner_id, p.name, p.created_at FROM sticker_packs AS p "
                  "LEFT JOIN sticker_collections AS c ON c.pack_id = p.id AND c.user_id = ?1 "
                  "WHERE p.owner_id = 0 OR c.user_id IS NOT NULL "
                  "ORDER BY p.owner_id != 0, c.position, p.id",
                  user_id, true);
    if (!packs.ok()) return packs.status();
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("StickerCollection", s);
    return packs;
  });
}

Result<std::vector<Sticker>> SqlStore::RecentStickers(int64_t user_id) {
  return WithReader("RecentStickers", [&](Db& db) -> Result<std::vector<Sticker>> {
    Result<Statement> stmt = db.Prepare(
        "SELECT s.id, s.pack_id, s.media_id, s.keywords, s.position FROM recent_stickers AS r "
        "JOIN stickers AS s ON s.id = r.sticker_id JOIN sticker_packs AS p ON p.id = s.pack_id "
        "WHERE r.user_id = ?1 AND (p.owner_id IN (0, ?1) OR EXISTS (SELECT 1 FROM "
        "sticker_collections AS c WHERE c.user_id = ?1 AND c.pack_id = p.id)) "
        "ORDER BY r.used_at DESC, r.sticker_id DESC");
    if (!stmt.ok()) return StoreFailure("RecentStickers", stmt.status());
    stmt->BindInt(1, user_id);
    auto stickers = ReadAll("RecentStickers", *stmt, &ReadSticker);
    if (!stickers.ok()) return stickers.status();
    stmt->Reset();
    if (Status s = FillStickerMedia("RecentStickers", db, *stickers); !s.ok()) return s;
    return stickers;
  });
}

}  // namespace parley::store::sql
