// SqlStore: administration (migrations 11 and 13): disabled accounts, the audit log, users'
// reports and the server's counts.
#include <cstdint>
#include <string>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {
namespace {

#define PARLEY_AUDIT_COLUMNS "id, at, actor_id, action, target, details"
#define PARLEY_REPORT_COLUMNS                                                                \
  "id, reporter_id, user_id, conversation_id, seq, reason, created_at, resolved_at, "        \
  "resolved_by, resolution, group_id, message_kind, message_text, group_name, group_topic, " \
  "group_public, group_members"

AuditEntry ReadAuditEntry(const Statement& row, int first) {
  return AuditEntry{row.ColumnInt(first),      row.ColumnInt(first + 1),
                    row.ColumnInt(first + 2),  row.ColumnText(first + 3),
                    row.ColumnText(first + 4), row.ColumnText(first + 5)};
}

Report ReadReport(const Statement& row, int first) {
  Report report;
  report.id = row.ColumnInt(first);
  report.reporter_id = row.ColumnInt(first + 1);
  report.user_id = row.ColumnInt(first + 2);
  report.conversation_id = row.ColumnInt(first + 3);
  report.seq = row.ColumnInt(first + 4);
  report.reason = row.ColumnText(first + 5);
  report.created_at = row.ColumnInt(first + 6);
  report.resolved_at = row.ColumnInt(first + 7);
  report.resolved_by = row.ColumnInt(first + 8);
  report.resolution = row.ColumnText(first + 9);
  report.group_id = row.ColumnInt(first + 10);
  report.snapshot.message_kind = row.ColumnText(first + 11);
  report.snapshot.message_text = row.ColumnText(first + 12);
  report.snapshot.group_name = row.ColumnText(first + 13);
  report.snapshot.group_topic = row.ColumnText(first + 14);
  report.snapshot.group_public = row.ColumnInt(first + 15) != 0;
  report.snapshot.group_members = row.ColumnInt(first + 16);
  return report;
}

// Steps an INSERT ... RETURNING id to its end: the new row's id.
Result<int64_t> InsertedId(std::string_view op, Statement& stmt) {
  Result<bool> row = stmt.Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return Status(Code::kInternal, "store: " + std::string(op) + ": no id returned");
  const int64_t id = stmt.ColumnInt(0);
  if (Status s = stmt.Run(); !s.ok()) return StoreFailure(op, s);
  return id;
}

// An id bound for "id < ?": 0 means no bound.
int64_t UpperBound(int64_t before_id) { return before_id > 0 ? before_id : INT64_MAX; }

}  // namespace

Status SqlStore::SetDisabled(int64_t user_id, int64_t at) {
  return WithWriter("SetDisabled", [&](Db& db) -> Status {
    Result<Statement> stmt =
        db.Prepare("UPDATE users SET disabled_at = ?2 WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return StoreFailure("SetDisabled", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, at);
    Result<bool> touched = RunReturning("SetDisabled", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such user");
  });
}

Result<int64_t> SqlStore::AddAuditEntry(const AuditEntry& entry) {
  return WithWriter("AddAuditEntry", [&](Db& db) -> Result<int64_t> {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO audit_log (at, actor_id, action, target, details) "
        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id");
    if (!stmt.ok()) return StoreFailure("AddAuditEntry", stmt.status());
    stmt->BindInt(1, entry.at);
    stmt->BindInt(2, entry.actor_id);
    stmt->BindText(3, entry.action);
    stmt->BindText(4, entry.target);
    stmt->BindText(5, entry.details);
    return InsertedId("AddAuditEntry", *stmt);
  });
}

Result<std::vector<AuditEntry>> SqlStore::AuditEntries(int64_t before_id, int limit) {
  if (limit <= 0) return std::vector<AuditEntry>();
  return WithReader("AuditEntries", [&](Db& db) -> Result<std::vector<AuditEntry>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_AUDIT_COLUMNS
                                        " FROM audit_log WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
    if (!stmt.ok()) return StoreFailure("AuditEntries", stmt.status());
    stmt->BindInt(1, UpperBound(before_id));
    stmt->BindInt(2, limit);
    return ReadAll("AuditEntries", *stmt, &ReadAuditEntry);
  });
}

Result<int64_t> SqlStore::AddReport(const Report& report) {
  return WithWriter("AddReport", [&](Db& db) -> Result<int64_t> {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO reports (reporter_id, user_id, conversation_id, seq, reason, created_at, "
        "group_id, message_kind, message_text, group_name, group_topic, group_public, "
        "group_members) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
        "RETURNING id");
    if (!stmt.ok()) return StoreFailure("AddReport", stmt.status());
    stmt->BindInt(1, report.reporter_id);
    stmt->BindInt(2, report.user_id);
    stmt->BindInt(3, report.conversation_id);
    stmt->BindInt(4, report.seq);
    stmt->BindText(5, report.reason);
    stmt->BindInt(6, report.created_at);
    stmt->BindInt(7, report.group_id);
    stmt->BindText(8, report.snapshot.message_kind);
    stmt->BindText(9, report.snapshot.message_text);
    stmt->BindText(10, report.snapshot.group_name);
    stmt->BindText(11, report.snapshot.group_topic);
    stmt->BindInt(12, report.snapshot.group_public ? 1 : 0);
    stmt->BindInt(13, report.snapshot.group_members);
    return InsertedId("AddReport", *stmt);
  });
}

Result<Report> SqlStore::FindReport(int64_t report_id) {
  return WithReader("FindReport", [&](Db& db) -> Result<Report> {
    Result<Statement> stmt =
        db.Prepare("SELECT " PARLEY_REPORT_COLUMNS " FROM reports WHERE id = ?1");
    if (!stmt.ok()) return StoreFailure("FindReport", stmt.status());
    stmt->BindInt(1, report_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindReport", row.status());
    if (!*row) return Status(Code::kNotFound, "no such report");
    return ReadReport(*stmt, 0);
  });
}

Result<std::vector<Report>> SqlStore::ListReports(bool open_only, int64_t before_id, int limit) {
  if (limit <= 0) return std::vector<Report>();
  return WithReader("ListReports", [&](Db& db) -> Result<std::vector<Report>> {
    Result<Statement> stmt =
        open_only ? db.Prepare("SELECT " PARLEY_REPORT_COLUMNS
                               " FROM reports WHERE resolved_at = 0 AND id < ?1 "
                               "ORDER BY id DESC LIMIT ?2")
                  : db.Prepare("SELECT " PARLEY_REPORT_COLUMNS
                               " FROM reports WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
    if (!stmt.ok()) return StoreFailure("ListReports", stmt.status());
    stmt->BindInt(1, UpperBound(before_id));
    stmt->BindInt(2, limit);
    return ReadAll("ListReports", *stmt, &ReadReport);
  });
}

Result<bool> SqlStore::ResolveReport(int64_t report_id, int64_t resolved_by,
                                     std::string_view resolution, int64_t at) {
  return WithWriter("ResolveReport", [&](Db& db) -> Result<bool> {
    Result<Statement> stmt = db.Prepare(
        "UPDATE reports SET resolved_at = ?2, resolved_by = ?3, resolution = ?4 "
        "WHERE id = ?1 AND resolved_at = 0 RETURNING id");
    if (!stmt.ok()) return StoreFailure("ResolveReport", stmt.status());
    stmt->BindInt(1, report_id);
    stmt->BindInt(2, at);
    stmt->BindInt(3, resolved_by);
    stmt->BindText(4, resolution);
    Result<bool> touched = RunReturning("ResolveReport", *stmt);
    if (!touched.ok()) return touched.status();
    if (*touched) return true;
    Result<Statement> exists = db.Prepare("SELECT 1 FROM reports WHERE id = ?1");
    if (!exists.ok()) return StoreFailure("ResolveReport", exists.status());
    exists->BindInt(1, report_id);
    Result<bool> row = exists->Step();
    if (!row.ok()) return StoreFailure("ResolveReport", row.status());
    if (!*row) return Status(Code::kNotFound, "no such report");
    return false;
  });
}

Result<ServerStats> SqlStore::CountStats() {
  return WithReader("CountStats", [&](Db& db) -> Result<ServerStats> {
    // One statement: one snapshot.
    Result<Statement> stmt = db.Prepare(
        "SELECT (SELECT count(*) FROM users WHERE username NOT LIKE '~deleted-%'), "
        "(SELECT count(*) FROM users WHERE disabled_at != 0), "
        "(SELECT count(*) FROM conversations WHERE deleted = 0), "
        "(SELECT count(*) FROM messages), "
        "(SELECT coalesce(sum(size), 0) FROM media)");
    if (!stmt.ok()) return StoreFailure("CountStats", stmt.status());
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("CountStats", row.status());
    if (!*row) return Status(Code::kInternal, "store: CountStats: no row");
    return ServerStats{stmt->ColumnInt(0), stmt->ColumnInt(1), stmt->ColumnInt(2),
                       stmt->ColumnInt(3), stmt->ColumnInt(4)};
  });
}

}  // namespace parley::store::sql
