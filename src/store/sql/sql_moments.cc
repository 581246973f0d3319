// The SQLite store's moments: the moment rows (media ids and audience lists kept as
// comma-separated ids), the reverse media links, likes and comments. Reads run on pooled read
// connections; writes inside the caller's Write. Both share the row helpers below.
#include <charconv>
#include <functional>
#include <iterator>
#include <type_traits>
#include <utility>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

#define PARLEY_MOMENT_COLUMNS \
  "id, author_id, text, media, location, audience, audience_users, created_at"
#define PARLEY_COMMENT_COLUMNS \
  "c.id, c.moment_id, c.user_id, c.reply_to, coalesce(r.user_id, 0), c.text, c.created_at"
#define PARLEY_COMMENT_FROM \
  " FROM moment_comments AS c LEFT JOIN moment_comments AS r ON r.id = c.reply_to"

template <typename T>
std::string JoinIds(const std::vector<T>& ids) {
  std::string out;
  for (const T& id : ids) {
    if (!out.empty()) out += ',';
    if constexpr (std::is_same_v<T, int64_t>) {
      out += std::to_string(id);
    } else {
      out += id;
    }
  }
  return out;
}

std::vector<std::string> SplitIds(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    parts.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

std::vector<int64_t> SplitUserIds(std::string_view text) {
  std::vector<int64_t> ids;
  for (const std::string& part : SplitIds(text)) {
    int64_t id = 0;
    std::from_chars(part.data(), part.data() + part.size(), id);
    ids.push_back(id);
  }
  return ids;
}

Moment ReadMoment(const Statement& row, int first) {
  Moment moment;
  moment.id = row.ColumnInt(first);
  moment.author_id = row.ColumnInt(first + 1);
  moment.text = row.ColumnText(first + 2);
  for (std::string& id : SplitIds(row.ColumnText(first + 3))) {
    moment.media.push_back(Media{.id = std::move(id)});
  }
  moment.location = row.ColumnText(first + 4);
  moment.audience = static_cast<MomentAudience>(row.ColumnInt(first + 5));
  moment.audience_users = SplitUserIds(row.ColumnText(first + 6));
  moment.created_at = row.ColumnInt(first + 7);
  return moment;
}

MomentComment ReadComment(const Statement& row, int first) {
  return MomentComment{row.ColumnInt(first),     row.ColumnInt(first + 1),
                       row.ColumnInt(first + 2), row.ColumnInt(first + 3),
                       row.ColumnInt(first + 4), row.ColumnText(first + 5),
                       row.ColumnInt(first + 6)};
}

MomentLike ReadLike(const Statement& row, int first) {
  return MomentLike{row.ColumnInt(first), row.ColumnInt(first + 1), row.ColumnInt(first + 2)};
}

// Replaces the media ids of each moment with their descriptors; a media that no longer exists
// is left out.
Status FillMomentMedia(std::string_view op, Db& db, std::vector<Moment>& moments) {
  for (Moment& moment : moments) {
    std::vector<Media> filled;
    for (const Media& media : moment.media) {
      Result<Statement> stmt =
          db.Prepare("SELECT " PARLEY_MEDIA_COLUMNS " FROM media WHERE id = ?1");
      if (!stmt.ok()) return StoreFailure(op, stmt.status());
      stmt->BindText(1, media.id);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure(op, row.status());
      if (*row) filled.push_back(ReadMedia(*stmt));
    }
    moment.media = std::move(filled);
  }
  return Status::Ok();
}

// The moments `sql` yields (its parameters bound by `bind`), with their media.
Result<std::vector<Moment>> ReadMoments(std::string_view op, Db& db, std::string_view sql,
                                        const std::function<void(Statement&)>& bind) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  bind(*stmt);
  auto moments = ReadAll(op, *stmt, &ReadMoment);
  if (!moments.ok()) return moments.status();
  stmt->Reset();
  if (Status s = FillMomentMedia(op, db, *moments); !s.ok()) return s;
  return moments;
}

// A page of moments: ?1 = `key`, ?2 = the id bound (0: none), ?3 = the limit.
Result<std::vector<Moment>> ReadMomentPage(std::string_view op, Db& db, std::string_view sql,
                                           int64_t key, int64_t before_id, int limit) {
  return ReadMoments(op, db, sql, [&](Statement& s) {
    s.BindInt(1, key);
    s.BindInt(2, before_id > 0 ? before_id : INT64_MAX);
    s.BindInt(3, limit);
  });
}

Result<std::optional<Moment>> FindMomentOn(std::string_view op, Db& db, int64_t moment_id) {
  using R = std::optional<Moment>;
  auto found = ReadMoments(
      op, db, "SELECT " PARLEY_MOMENT_COLUMNS " FROM moments WHERE id = ?1 AND deleted = 0",
      [&](Statement& s) { s.BindInt(1, moment_id); });
  if (!found.ok()) return found.status();
  if (found->empty()) return R();
  return R(std::move(found->front()));
}

}  // namespace

// --- WriteTxn ---

Result<int64_t> SqlWriteTxn::AddMoment(const Moment& moment) {
  return Guarded<int64_t>([&] {
    return InSavepoint<int64_t>("AddMoment", [&]() -> Result<int64_t> {
      std::vector<std::string> media_ids;
      for (const Media& media : moment.media) media_ids.push_back(media.id);
      Result<Statement> stmt = db_.Prepare(
          "INSERT INTO moments (author_id, text, media, location, audience, audience_users, "
          "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
      if (!stmt.ok()) return StoreFailure("AddMoment", stmt.status());
      stmt->BindInt(1, moment.author_id);
      stmt->BindText(2, moment.text);
      stmt->BindText(3, JoinIds(media_ids));
      stmt->BindText(4, moment.location);
      stmt->BindInt(5, static_cast<int64_t>(moment.audience));
      stmt->BindText(6, JoinIds(moment.audience_users));
      stmt->BindInt(7, moment.created_at);
      Result<bool> row = stmt->Step();
      if (!row.ok()) {
        if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
        return StoreFailure("AddMoment", row.status());
      }
      const int64_t id = stmt->ColumnInt(0);
      stmt->Reset();
      for (const std::string& media_id : media_ids) {
        Result<Statement> link = db_.Prepare(
            "INSERT INTO moment_media (media_id, moment_id) VALUES (?1, ?2) "
            "ON CONFLICT DO NOTHING");
        if (!link.ok()) return StoreFailure("AddMoment", link.status());
        link->BindText(1, media_id);
        link->BindInt(2, id);
        if (Status s = link->Run(); !s.ok()) {
          if (link->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such media");
          return StoreFailure("AddMoment", s);
        }
        Result<Statement> attach =
            db_.Prepare("UPDATE media SET attached_at = ?2 WHERE id = ?1 AND attached_at = 0");
        if (!attach.ok()) return StoreFailure("AddMoment", attach.status());
        attach->BindText(1, media_id);
        attach->BindInt(2, moment.created_at);
        if (Status s = attach->Run(); !s.ok()) return StoreFailure("AddMoment", s);
      }
      return id;
    });
  });
}

Result<std::optional<Moment>> SqlWriteTxn::FindMoment(int64_t moment_id) {
  return Guarded<std::optional<Moment>>([&] { return FindMomentOn("FindMoment", db_, moment_id); });
}

Status SqlWriteTxn::SetMomentAudience(int64_t moment_id, MomentAudience audience,
                                      const std::vector<int64_t>& users) {
  return RunGroupWrite(
      "SetMomentAudience",
      "UPDATE moments SET audience = ?2, audience_users = ?3 WHERE id = ?1 AND deleted = 0 "
      "RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, moment_id);
        s.BindInt(2, static_cast<int64_t>(audience));
        s.BindText(3, JoinIds(users));
      },
      Status(Code::kNotFound, "no such moment"));
}

Status SqlWriteTxn::DeleteMoment(int64_t moment_id) {
  Result<bool> done = Guarded<bool>([&] {
    return InSavepoint<bool>("DeleteMoment", [&]() -> Result<bool> {
      Result<Statement> mark = db_.Prepare(
          "UPDATE moments SET deleted = 1, text = '', media = '', location = '', "
          "audience_users = '' WHERE id = ?1 AND deleted = 0 RETURNING 1");
      if (!mark.ok()) return StoreFailure("DeleteMoment", mark.status());
      mark->BindInt(1, moment_id);
      Result<bool> marked = mark->Step();
      if (!marked.ok()) return StoreFailure("DeleteMoment", marked.status());
      if (!*marked) return Status(Code::kNotFound, "no such moment");
      mark->Reset();
      for (const char* sql : {"DELETE FROM moment_media WHERE moment_id = ?1",
                              "DELETE FROM moment_likes WHERE moment_id = ?1",
                              "DELETE FROM moment_comments WHERE moment_id = ?1"}) {
        Result<Statement> stmt = db_.Prepare(sql);
        if (!stmt.ok()) return StoreFailure("DeleteMoment", stmt.status());
        stmt->BindInt(1, moment_id);
        if (Status s = stmt->Run(); !s.ok()) return StoreFailure("DeleteMoment", s);
      }
      return true;
    });
  });
  return done.ok() ? Status::Ok() : done.status();
}

Result<bool> SqlWriteTxn::SetMomentLike(int64_t moment_id, int64_t user_id, bool on, int64_t at) {
  Result<int> changed =
      on ? Change("SetMomentLike",
                  "INSERT INTO moment_likes (moment_id, user_id, created_at) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT DO NOTHING RETURNING 1",
                  moment_id, user_id, at)
         : Change("SetMomentLike",
                  "DELETE FROM moment_likes WHERE moment_id = ?1 AND user_id = ?2 RETURNING 1",
                  moment_id, user_id);
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Result<int64_t> SqlWriteTxn::AddMomentComment(const MomentComment& comment) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    Result<Statement> stmt = db_.Prepare(
        "INSERT INTO moment_comments (moment_id, user_id, reply_to, text, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id");
    if (!stmt.ok()) return StoreFailure("AddMomentComment", stmt.status());
    stmt->BindInt(1, comment.moment_id);
    stmt->BindInt(2, comment.user_id);
    stmt->BindInt(3, comment.reply_to);
    stmt->BindText(4, comment.text);
    stmt->BindInt(5, comment.created_at);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such moment");
      return StoreFailure("AddMomentComment", row.status());
    }
    const int64_t id = stmt->ColumnInt(0);
    return id;
  });
}

Result<std::optional<MomentComment>> SqlWriteTxn::FindMomentComment(int64_t comment_id) {
  using R = std::optional<MomentComment>;
  return Guarded<R>([&]() -> Result<R> {
    Result<Statement> stmt =
        db_.Prepare("SELECT " PARLEY_COMMENT_COLUMNS PARLEY_COMMENT_FROM " WHERE c.id = ?1");
    if (!stmt.ok()) return StoreFailure("FindMomentComment", stmt.status());
    stmt->BindInt(1, comment_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindMomentComment", row.status());
    if (!*row) return R();
    return R(ReadComment(*stmt, 0));
  });
}

Status SqlWriteTxn::DeleteMomentComment(int64_t comment_id) {
  return RunGroupWrite(
      "DeleteMomentComment", "DELETE FROM moment_comments WHERE id = ?1 RETURNING 1",
      [&](Statement& s) { s.BindInt(1, comment_id); }, Status(Code::kNotFound, "no such comment"));
}

// --- Store reads ---

Result<std::optional<Moment>> SqlStore::FindMoment(int64_t moment_id) {
  return WithReader("FindMoment",
                    [&](Db& db) { return FindMomentOn("FindMoment", db, moment_id); });
}

Result<std::vector<Moment>> SqlStore::FriendMoments(int64_t user_id, int64_t before_id, int limit) {
  return WithReader("FriendMoments", [&](Db& db) {
    return ReadMomentPage("FriendMoments", db,
                          "SELECT " PARLEY_MOMENT_COLUMNS
                          " FROM moments WHERE deleted = 0 AND id < ?2 AND (author_id = ?1 OR "
                          "author_id IN (SELECT friend_id FROM friendships WHERE user_id = ?1)) "
                          "ORDER BY id DESC LIMIT ?3",
                          user_id, before_id, limit);
  });
}

Result<std::vector<Moment>> SqlStore::AuthorMoments(int64_t author_id, int64_t before_id,
                                                    int limit) {
  return WithReader("AuthorMoments", [&](Db& db) {
    return ReadMomentPage("AuthorMoments", db,
                          "SELECT " PARLEY_MOMENT_COLUMNS
                          " FROM moments WHERE author_id = ?1 AND deleted = 0 AND id < ?2 "
                          "ORDER BY id DESC LIMIT ?3",
                          author_id, before_id, limit);
  });
}

Result<MomentInteractions> SqlStore::MomentInteractionsOf(std::span<const int64_t> moment_ids) {
  return WithReader("MomentInteractionsOf", [&](Db& db) -> Result<MomentInteractions> {
    Transaction txn(db);  // likes and comments from one snapshot
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) {
      return StoreFailure("MomentInteractionsOf", s);
    }
    MomentInteractions found;
    for (int64_t moment_id : moment_ids) {
      Result<Statement> likes = db.Prepare(
          "SELECT moment_id, user_id, created_at FROM moment_likes WHERE moment_id = ?1 "
          "ORDER BY created_at, user_id");
      if (!likes.ok()) return StoreFailure("MomentInteractionsOf", likes.status());
      likes->BindInt(1, moment_id);
      auto like_rows = ReadAll("MomentInteractionsOf", *likes, &ReadLike);
      if (!like_rows.ok()) return like_rows.status();
      std::move(like_rows->begin(), like_rows->end(), std::back_inserter(found.likes));
      Result<Statement> comments = db.Prepare("SELECT " PARLEY_COMMENT_COLUMNS PARLEY_COMMENT_FROM
                                              " WHERE c.moment_id = ?1 ORDER BY c.id");
      if (!comments.ok()) return StoreFailure("MomentInteractionsOf", comments.status());
      comments->BindInt(1, moment_id);
      auto comment_rows = ReadAll("MomentInteractionsOf", *comments, &ReadComment);
      if (!comment_rows.ok()) return comment_rows.status();
      std::move(comment_rows->begin(), comment_rows->end(), std::back_inserter(found.comments));
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("MomentInteractionsOf", s);
    return found;
  });
}

Result<std::vector<int64_t>> SqlStore::MomentsWithMedia(std::string_view media_id) {
  return WithReader("MomentsWithMedia", [&](Db& db) -> Result<std::vector<int64_t>> {
    Result<Statement> stmt =
        db.Prepare("SELECT moment_id FROM moment_media WHERE media_id = ?1 ORDER BY moment_id");
    if (!stmt.ok()) return StoreFailure("MomentsWithMedia", stmt.status());
    stmt->BindText(1, media_id);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure("MomentsWithMedia", row.status());
      if (!*row) return ids;
      ids.push_back(stmt->ColumnInt(0));
    }
  });
}

}  // namespace parley::store::sql
