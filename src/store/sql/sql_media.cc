// The SQLite store's media operations: uploads in progress, finished media, the messages that
// hold them (media_refs), and the media descriptors of messages read back.
//
// A media row names its bytes by digest; several rows may share a digest (the same bytes
// uploaded twice), so a blob is free only when no row refers to it any more (RemoveMedia).
#include <utility>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

constexpr const char* kFindMedia = "SELECT " PARLEY_MEDIA_COLUMNS " FROM media WHERE id = ?1";
constexpr const char* kFindUpload = "SELECT " PARLEY_UPLOAD_COLUMNS " FROM uploads WHERE id = ?1";

template <typename T>
Result<T> FindOne(std::string_view op, Db& db, const char* sql, std::string_view id,
                  T (*read)(const Statement&, int), std::string_view missing) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindText(1, id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return Status(Code::kNotFound, std::string(missing));
  T found = read(*stmt, 0);
  return found;
}

// Whether any media row still refers to `digest` (as its bytes or its thumbnail).
Result<bool> DigestNamed(Db& db, std::string_view digest) {
  Result<Statement> stmt = db.Prepare(
      "SELECT EXISTS (SELECT 1 FROM media WHERE digest = ?1) "
      "OR EXISTS (SELECT 1 FROM media WHERE thumbnail_digest = ?1)");
  if (!stmt.ok()) return StoreFailure("DigestInUse", stmt.status());
  stmt->BindText(1, digest);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure("DigestInUse", row.status());
  const bool used = *row && stmt->ColumnInt(0) != 0;
  return used;
}

}  // namespace

// --- descriptors of messages read back ---

Status FillMedia(std::string_view op, Db& db, Message& message) {
  if (!message.media) return Status::Ok();
  Result<Media> media = FindOne(op, db, kFindMedia, message.media->id, &ReadMedia, "");
  if (media.ok()) {
    message.media = std::move(*media);
  } else if (media.status().code() == Code::kNotFound) {
    message.media.reset();
  } else {
    return media.status();
  }
  return Status::Ok();
}

Status FillMedia(std::string_view op, Db& db, std::vector<Message>& messages) {
  for (Message& message : messages) {
    if (Status s = FillMedia(op, db, message); !s.ok()) return s;
  }
  return Status::Ok();
}

// --- WriteTxn: uploads ---

Status SqlWriteTxn::CreateUpload(const Upload& upload) {
  return RunGroupWrite(
      "CreateUpload",
      "INSERT INTO uploads (" PARLEY_UPLOAD_COLUMNS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING 1",
      [&](Statement& s) {
        s.BindText(1, upload.id);
        s.BindInt(2, upload.owner_id);
        s.BindText(3, upload.kind);
        s.BindText(4, upload.name);
        s.BindInt(5, upload.size);
        s.BindInt(6, upload.received);
        s.BindInt(7, upload.created_at);
        s.BindInt(8, upload.expires_at);
      },
      Status::Ok(), Status(Code::kConflict, "upload id taken"));
}

Result<Upload> SqlWriteTxn::FindUpload(std::string_view upload_id) {
  return Guarded<Upload>([&] {
    return FindOne("FindUpload", db_, kFindUpload, upload_id, &ReadUpload, "no such upload");
  });
}

Status SqlWriteTxn::SetUploadReceived(std::string_view upload_id, int64_t received) {
  return RunGroupWrite(
      "SetUploadReceived", "UPDATE uploads SET received = ?2 WHERE id = ?1 RETURNING 1",
      [&](Statement& s) {
        s.BindText(1, upload_id);
        s.BindInt(2, received);
      },
      Status(Code::kNotFound, "no such upload"));
}

Result<bool> SqlWriteTxn::RemoveUpload(std::string_view upload_id) {
  Status removed = RunGroupWrite(
      "RemoveUpload", "DELETE FROM uploads WHERE id = ?1 RETURNING 1",
      [&](Statement& s) { s.BindText(1, upload_id); }, Status(Code::kNotFound, "no such upload"));
  if (removed.code() == Code::kNotFound) return false;
  if (!removed.ok()) return removed;
  return true;
}

Result<int64_t> SqlWriteTxn::MediaBytes(int64_t owner_id) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    Result<Statement> stmt = db_.Prepare(
        "SELECT (SELECT coalesce(sum(size), 0) FROM media WHERE owner_id = ?1) + "
        "(SELECT coalesce(sum(size), 0) FROM uploads WHERE owner_id = ?1)");
    if (!stmt.ok()) return StoreFailure("MediaBytes", stmt.status());
    stmt->BindInt(1, owner_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("MediaBytes", row.status());
    const int64_t bytes = *row ? stmt->ColumnInt(0) : 0;
    return bytes;
  });
}

// --- WriteTxn: media ---

Status SqlWriteTxn::CreateMedia(const Media& media) {
  return RunGroupWrite(
      "CreateMedia",
      "INSERT INTO media (" PARLEY_MEDIA_COLUMNS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
      "RETURNING 1",
      [&](Statement& s) {
        s.BindText(1, media.id);
        s.BindInt(2, media.owner_id);
        s.BindText(3, media.kind);
        s.BindText(4, media.mime);
        s.BindInt(5, media.size);
        s.BindText(6, media.name);
        s.BindText(7, media.digest);
        s.BindText(8, media.thumbnail_digest);
        s.BindText(9, media.thumbnail_mime);
        s.BindInt(10, media.width);
        s.BindInt(11, media.height);
        s.BindInt(12, media.duration_ms);
        s.BindText(13, media.preview);
        s.BindInt(14, media.created_at);
        s.BindInt(15, media.is_public ? 1 : 0);
        s.BindInt(16, media.attached_at);
      },
      Status::Ok(), Status(Code::kConflict, "media id taken"));
}

Result<Media> SqlWriteTxn::FindMedia(std::string_view media_id) {
  return Guarded<Media>(
      [&] { return FindOne("FindMedia", db_, kFindMedia, media_id, &ReadMedia, "no such media"); });
}

Status SqlWriteTxn::AttachMedia(std::string_view media_id, int64_t conversation_id, int64_t seq,
                                int64_t at) {
  Status attached = RunGroupWrite(
      "AttachMedia",
      "UPDATE media SET attached_at = ?2 WHERE id = ?1 AND attached_at = 0 RETURNING 1",
      [&](Statement& s) {
        s.BindText(1, media_id);
        s.BindInt(2, at);
      },
      Status::Ok());
  if (!attached.ok()) return attached;
  return RunGroupWrite(
      "AttachMedia",
      "INSERT INTO media_refs (media_id, conversation_id, seq) VALUES (?1, ?2, ?3) "
      "ON CONFLICT DO NOTHING RETURNING 1",
      [&](Statement& s) {
        s.BindText(1, media_id);
        s.BindInt(2, conversation_id);
        s.BindInt(3, seq);
      },
      Status::Ok(), Status(Code::kConflict, "already attached"),
      Status(Code::kNotFound, "no such media"));
}

Status SqlWriteTxn::MakeMediaPublic(std::string_view media_id, int64_t at) {
  return RunGroupWrite(
      "MakeMediaPublic",
      "UPDATE media SET is_public = 1, attached_at = CASE attached_at WHEN 0 THEN ?2 "
      "ELSE attached_at END WHERE id = ?1 RETURNING 1",
      [&](Statement& s) {
        s.BindText(1, media_id);
        s.BindInt(2, at);
      },
      Status(Code::kNotFound, "no such media"));
}

Result<std::vector<std::string>> SqlWriteTxn::RemoveMedia(std::string_view media_id) {
  using R = std::vector<std::string>;
  return Guarded<R>([&] {
    return InSavepoint<R>("RemoveMedia", [&]() -> Result<R> {
      Result<Media> media =
          FindOne("RemoveMedia", db_, kFindMedia, media_id, &ReadMedia, "no such media");
      if (!media.ok()) return media.status();
      for (const char* sql :
           {"DELETE FROM media_refs WHERE media_id = ?1",
            "DELETE FROM moment_media WHERE media_id = ?1", "DELETE FROM media WHERE id = ?1"}) {
        Result<Statement> stmt = db_.Prepare(sql);
        if (!stmt.ok()) return StoreFailure("RemoveMedia", stmt.status());
        stmt->BindText(1, media_id);
        if (Status s = stmt->Run(); !s.ok()) return StoreFailure("RemoveMedia", s);
      }
      R unused;
      for (const std::string* digest : {&media->digest, &media->thumbnail_digest}) {
        if (digest->empty()) continue;
        Result<bool> used = DigestNamed(db_, *digest);
        if (!used.ok()) return used.status();
        if (!*used) unused.push_back(*digest);
      }
      return unused;
    });
  });
}

// --- Store: media reads ---

Result<Upload> SqlStore::FindUpload(std::string_view upload_id) {
  return WithReader("FindUpload", [&](Db& db) {
    return FindOne("FindUpload", db, kFindUpload, upload_id, &ReadUpload, "no such upload");
  });
}

Result<Media> SqlStore::FindMedia(std::string_view media_id) {
  return WithReader("FindMedia", [&](Db& db) {
    return FindOne("FindMedia", db, kFindMedia, media_id, &ReadMedia, "no such media");
  });
}

// The message must still carry the media (a deleted message drops it), and the member must be
// allowed to read that message.
Result<bool> SqlStore::MediaReadableBy(std::string_view media_id, int64_t user_id) {
  return WithReader("MediaReadableBy", [&](Db& db) -> Result<bool> {
    Result<Statement> stmt = db.Prepare(
        "SELECT 1 FROM media_refs AS r "
        "JOIN members AS m ON m.conversation_id = r.conversation_id AND m.user_id = ?2 "
        "JOIN messages AS msg ON msg.conversation_id = r.conversation_id AND msg.seq = r.seq "
        "WHERE r.media_id = ?1 AND r.seq >= m.first_seq AND msg.media = r.media_id LIMIT 1");
    if (!stmt.ok()) return StoreFailure("MediaReadableBy", stmt.status());
    stmt->BindText(1, media_id);
    stmt->BindInt(2, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("MediaReadableBy", row.status());
    return *row;
  });
}

Result<std::vector<Upload>> SqlStore::ExpiredUploads(int64_t now, int limit) {
  return WithReader("ExpiredUploads", [&](Db& db) -> Result<std::vector<Upload>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_UPLOAD_COLUMNS
                                        " FROM uploads WHERE expires_at <= ?1 "
                                        "ORDER BY expires_at LIMIT ?2");
    if (!stmt.ok()) return StoreFailure("ExpiredUploads", stmt.status());
    stmt->BindInt(1, now);
    stmt->BindInt(2, limit);
    return ReadAll("ExpiredUploads", *stmt, &ReadUpload);
  });
}

Result<std::vector<Media>> SqlStore::UnattachedMedia(int64_t created_before, int limit) {
  return WithReader("UnattachedMedia", [&](Db& db) -> Result<std::vector<Media>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MEDIA_COLUMNS
                                        " FROM media WHERE attached_at = 0 AND created_at < ?1 "
                                        "ORDER BY created_at LIMIT ?2");
    if (!stmt.ok()) return StoreFailure("UnattachedMedia", stmt.status());
    stmt->BindInt(1, created_before);
    stmt->BindInt(2, limit);
    return ReadAll("UnattachedMedia", *stmt, &ReadMedia);
  });
}

Result<bool> SqlStore::DigestInUse(std::string_view digest) {
  return WithReader("DigestInUse", [&](Db& db) { return DigestNamed(db, digest); });
}

}  // namespace parley::store::sql
