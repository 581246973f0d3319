#include "app/postgres_migration.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "push/push_db.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_migrations.h"
#include "store/sql/sql_db.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_db.h"

namespace parley::app {
namespace {

using store::sql::Db;
using store::sql::Statement;
using store::sql::Transaction;
using store::sql::TransactionMode;

enum class Kind { kInt, kText, kBlob };

struct Column {
  std::string name;
  Kind kind = Kind::kText;  // the PostgreSQL column's type decides how values travel
  std::string pg_type;      // its udt_name ("int8", "text", "citext", "bytea", ...)
};

struct Table {
  std::string name;
  std::vector<Column> columns;        // SQLite's column order
  std::vector<size_t> key;            // indexes into columns, primary-key order
  std::vector<std::string> refs;      // tables this one references (foreign keys)
  std::vector<std::string> identity;  // PostgreSQL identity columns
};

struct Value {
  bool null = true;
  int64_t integer = 0;
  std::string bytes;
};
using Row = std::vector<Value>;

Status Fail(Code code, const std::string& what) {
  return Status(code, "migrate-to-postgres: " + what);
}
Status Fail(const std::string& what, const Status& cause) {
  return Status(cause.code(), "migrate-to-postgres: " + what + ": " + cause.message());
}

// How one SQLite database is copied into its PostgreSQL schema.
struct CopyPlan {
  bool (*skipped)(const std::string& table);
  // Counts the rows that tell a database in use from one that holds only what its schema
  // seeded: every row of the target hangs off one of them.
  const char* in_use_query;
  const char* in_use_what;  // what they are, for the refusal ("users")
  bool requeue_search;      // the store's: queue every text message for the search index
  std::string prefix;       // before table names in lines and TableCopy ("push.")
};

bool SkippedInStore(const std::string& table) {
  return table.rfind("sqlite_", 0) == 0 || table.rfind("message_search", 0) == 0 ||
         table == "search_state" || table == "search_queue";
}

// Pending push jobs are not copied: each stands for a notification of a message the user sees
// at their next connect anyway.
bool SkippedInPush(const std::string& table) {
  return table.rfind("sqlite_", 0) == 0 || table == "jobs";
}

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

std::string ColumnList(const Table& table) {
  std::string out;
  for (const Column& column : table.columns) {
    if (!out.empty()) out += ", ";
    out += Quoted(column.name);
  }
  return out;
}

std::string KeyList(const Table& table) {
  std::string out;
  for (size_t index : table.key) {
    if (!out.empty()) out += ", ";
    out += Quoted(table.columns[index].name);
  }
  return out;
}

// "SELECT cols FROM t [WHERE (k...) > (?1...)] ORDER BY k... LIMIT n": the same text runs on both
// drivers; each database orders by its own rules, which is all keyset pagination needs.
std::string BatchSql(const Table& table, bool after, int limit) {
  std::string sql = "SELECT " + ColumnList(table) + " FROM " + Quoted(table.name);
  if (after) {
    sql += " WHERE (" + KeyList(table) + ") > (";
    for (size_t i = 0; i < table.key.size(); ++i) {
      sql += (i == 0 ? "?" : ", ?") + std::to_string(i + 1);
    }
    sql += ")";
  }
  return sql + " ORDER BY " + KeyList(table) + " LIMIT " + std::to_string(limit);
}

void BindValue(Statement& statement, int index, Kind kind, const Value& value) {
  if (value.null) return;  // an unbound parameter is NULL in both drivers
  switch (kind) {
    case Kind::kInt:
      statement.BindInt(index, value.integer);
      break;
    case Kind::kText:
      statement.BindText(index, value.bytes);
      break;
    case Kind::kBlob:
      statement.BindBlob(index, value.bytes);
      break;
  }
}

// Up to `limit` rows of `table` after the key `after` (none: from the start), in key order.
Result<std::vector<Row>> ReadBatch(Db& db, const Table& table, const std::optional<Row>& after,
                                   int limit) {
  Result<Statement> select = db.Prepare(BatchSql(table, after.has_value(), limit));
  if (!select.ok()) return select.status();
  if (after) {
    for (size_t i = 0; i < table.key.size(); ++i) {
      BindValue(*select, static_cast<int>(i + 1), table.columns[table.key[i]].kind, (*after)[i]);
    }
  }
  std::vector<Row> rows;
  for (;;) {
    Result<bool> more = select->Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    Row row(table.columns.size());
    for (size_t i = 0; i < table.columns.size(); ++i) {
      int column = static_cast<int>(i);
      row[i].null = select->ColumnIsNull(column);
      if (row[i].null) continue;
      if (table.columns[i].kind == Kind::kInt) {
        row[i].integer = select->ColumnInt(column);
      } else {
        row[i].bytes = select->ColumnText(column);
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Row KeyOf(const Table& table, const Row& row) {
  Row key;
  for (size_t index : table.key) key.push_back(row[index]);
  return key;
}

// A key as progress text: per value "N" (NULL), "I<decimal>" (integer) or "S<hex>" (bytes),
// joined by ','.
std::string EncodeKey(const Table& table, const Row& key) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out += ',';
    if (key[i].null) {
      out += 'N';
    } else if (table.columns[table.key[i]].kind == Kind::kInt) {
      out += 'I' + std::to_string(key[i].integer);
    } else {
      out += 'S';
      for (unsigned char c : key[i].bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  return out;
}

Result<Row> DecodeKey(const Table& table, const std::string& text) {
  Status corrupt = Status(Code::kInternal, "corrupt progress of " + table.name);
  Row key;
  size_t start = 0;
  for (size_t i = 0; i < table.key.size(); ++i) {
    if (start > text.size()) return corrupt;
    size_t end = std::min(text.find(',', start), text.size());
    std::string part = text.substr(start, end - start);
    start = end + 1;
    Value value;
    try {
      if (part.empty()) return corrupt;
      if (part[0] == 'I') {
        value.null = false;
        value.integer = std::stoll(part.substr(1));
      } else if (part[0] == 'S' && part.size() % 2 == 1) {
        value.null = false;
        for (size_t h = 1; h < part.size(); h += 2) {
          value.bytes += static_cast<char>(std::stoi(part.substr(h, 2), nullptr, 16));
        }
      } else if (part != "N") {
        return corrupt;
      }
    } catch (const std::exception&) {
      return corrupt;
    }
    key.push_back(std::move(value));
  }
  return key;
}

// FNV-1a over a row's canonical encoding: per value a tag, the length and the bytes.
uint64_t RowHash(const Table& table, const Row& row) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&hash](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].null) {
      mix("N;");
    } else if (table.columns[i].kind == Kind::kInt) {
      mix("I" + std::to_string(row[i].integer) + ";");
    } else {
      mix("S" + std::to_string(row[i].bytes.size()) + ":");
      mix(row[i].bytes);
    }
  }
  return hash;
}

struct Tally {
  int64_t rows = 0;
  uint64_t checksum = 0;
};

Result<Tally> TallyTable(Db& db, const Table& table, int batch_rows) {
  Tally tally;
  std::optional<Row> after;
  for (;;) {
    Result<std::vector<Row>> rows = ReadBatch(db, table, after, batch_rows);
    if (!rows.ok()) return rows.status();
    for (const Row& row : *rows) tally.checksum += RowHash(table, row);
    tally.rows += static_cast<int64_t>(rows->size());
    if (static_cast<int>(rows->size()) < batch_rows) return tally;
    after = KeyOf(table, rows->back());
  }
}

// The source's tables with their columns, keys and references, in foreign-key order.
Result<std::vector<Table>> ReadSchema(Db& source, Db& target, const CopyPlan& plan) {
  std::vector<Table> tables;
  {
    Result<Statement> names =
        source.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    if (!names.ok()) return names.status();
    for (;;) {
      Result<bool> more = names->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      std::string name = names->ColumnText(0);
      if (!plan.skipped(name)) tables.push_back(Table{name, {}, {}, {}, {}});
    }
  }
  for (Table& table : tables) {
    Result<Statement> info =
        source.Prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid");
    if (!info.ok()) return info.status();
    info->BindText(1, table.name);
    std::vector<std::pair<int64_t, size_t>> key;
    for (;;) {
      Result<bool> more = info->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (info->ColumnInt(1) > 0) key.emplace_back(info->ColumnInt(1), table.columns.size());
      table.columns.push_back(Column{info->ColumnText(0), Kind::kText});
    }
    std::sort(key.begin(), key.end());
    for (const auto& [order, index] : key) table.key.push_back(index);
    if (table.key.empty())
      return Status(Code::kInternal, "table " + table.name + " has no primary key");

    Result<Statement> refs =
        source.Prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)");
    if (!refs.ok()) return refs.status();
    refs->BindText(1, table.name);
    for (;;) {
      Result<bool> more = refs->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (refs->ColumnText(0) != table.name) table.refs.push_back(refs->ColumnText(0));
    }

    Result<Statement> types = target.Prepare(
        "SELECT column_name, data_type, is_identity, udt_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?1");
    if (!types.ok()) return types.status();
    types->BindText(1, table.name);
    std::map<std::string, std::pair<std::string, std::string>> type_of;  // data_type, udt_name
    for (;;) {
      Result<bool> more = types->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      type_of[types->ColumnText(0)] = {types->ColumnText(1), types->ColumnText(3)};
      if (types->ColumnText(2) == "YES") table.identity.push_back(types->ColumnText(0));
    }
    for (Column& column : table.columns) {
      if (type_of.empty()) {
        return Status(Code::kInternal, "PostgreSQL has no table " + table.name);
      }
      auto it = type_of.find(column.name);
      if (it == type_of.end()) {
        return Status(Code::kInternal,
                      "PostgreSQL has no column " + table.name + "." + column.name);
      }
      const std::string& type = it->second.first;
      column.pg_type = it->second.second;
      if (type == "bigint" || type == "integer" || type == "smallint") column.kind = Kind::kInt;
      if (type == "bytea") column.kind = Kind::kBlob;
    }
  }
  // Foreign-key order: a table after every copied table it references.
  std::set<std::string> copied;
  for (const Table& table : tables) copied.insert(table.name);
  std::vector<Table> ordered;
  std::set<std::string> placed;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const Table& table) {
      return std::all_of(table.refs.begin(), table.refs.end(), [&](const std::string& ref) {
        return placed.count(ref) > 0 || copied.count(ref) == 0;
      });
    });
    if (ready == tables.end()) return Status(Code::kInternal, "foreign keys form a cycle");
    placed.insert(ready->name);
    ordered.push_back(std::move(*ready));
    tables.erase(ready);
  }
  return ordered;
}

// The source deployment's identity (see the header).
Result<std::string> SourceId(Db& source) {
  Result<Statement> first =
      source.Prepare("SELECT id, username, created_at FROM users ORDER BY id LIMIT 1");
  if (!first.ok()) return first.status();
  Result<bool> row = first->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::string("empty");
  Table shape{"", {{"", Kind::kText}}, {}, {}, {}};
  Row values(1);
  values[0].null = false;
  values[0].bytes = std::to_string(first->ColumnInt(0)) + "\n" + first->ColumnText(1) + "\n" +
                    std::to_string(first->ColumnInt(2));
  char hex[17];
  snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(RowHash(shape, values)));
  return std::string(hex);
}

struct Progress {
  std::string key;  // "" before the first batch
  int64_t rows = 0;
  bool done = false;
};

// Refuses a target holding another source's or no migration's data; returns the progress rows.
Result<std::map<std::string, Progress>> ReadProgress(Db& target, const std::vector<Table>& tables,
                                                     const std::string& source_id,
                                                     const CopyPlan& plan) {
  if (Status s =
          target.Exec("CREATE TABLE IF NOT EXISTS migration_progress (table_name TEXT PRIMARY KEY, "
                      "copied_through_key TEXT NOT NULL, copied_rows BIGINT NOT NULL, "
                      "source_id TEXT NOT NULL, done BIGINT NOT NULL)");
      !s.ok()) {
    return s;
  }
  Result<Statement> rows = target.Prepare(
      "SELECT table_name, copied_through_key, copied_rows, source_id, done "
      "FROM migration_progress");
  if (!rows.ok()) return rows.status();
  std::map<std::string, Progress> progress;
  for (;;) {
    Result<bool> more = rows->Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (rows->ColumnText(3) != source_id) {
      return Status(Code::kConflict,
                    "the PostgreSQL database holds a copy of another SQLite store");
    }
    progress[rows->ColumnText(0)] =
        Progress{rows->ColumnText(1), rows->ColumnInt(2), rows->ColumnInt(4) != 0};
  }
  if (!progress.empty()) return progress;
  // A fresh start: the plan's rows tell a database in use from one that holds only what its
  // schema seeded (sync_clock, the built-in sticker pack).
  Result<int64_t> in_use = target.QueryInt(plan.in_use_query);
  if (!in_use.ok()) return in_use.status();
  if (*in_use > 0) {
    return Status(Code::kConflict, "the PostgreSQL database already holds " +
                                       std::string(plan.in_use_what) +
                                       " this command did not copy");
  }
  // The seeded rows go, children first; the source's own come instead.
  Transaction txn(target);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return s;
  for (auto table = tables.rbegin(); table != tables.rend(); ++table) {
    if (Status s = target.Exec("DELETE FROM " + Quoted(table->name)); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return progress;
}

// Copies one batch after `progress` in one PostgreSQL transaction with its progress row.
Status CopyBatch(Db& source, Db& target, const Table& table, const std::string& source_id,
                 int batch_rows, Progress& progress) {
  std::optional<Row> after;
  if (progress.key.empty() && progress.rows > 0) {
    return Status(Code::kInternal, "corrupt progress of " + table.name);
  }
  if (!progress.key.empty()) {
    Result<Row> key = DecodeKey(table, progress.key);
    if (!key.ok()) return key.status();
    after = std::move(*key);
  }
  Result<std::vector<Row>> rows = ReadBatch(source, table, after, batch_rows);
  if (!rows.ok()) return rows.status();

  Transaction txn(target);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return s;
  std::string name = Quoted(table.name);
  if (Status s = target.Exec("ALTER TABLE " + name + " DISABLE TRIGGER USER"); !s.ok()) return s;
  // Many rows per statement (the parameters typed: a VALUES list does not take its columns'
  // types), within PostgreSQL's 65,535 parameters.
  const size_t width = table.columns.size();
  const size_t per_statement = std::max<size_t>(1, 30'000 / width);
  for (size_t first = 0; first < rows->size(); first += per_statement) {
    const size_t count = std::min(per_statement, rows->size() - first);
    std::string sql = "INSERT INTO " + name + " (" + ColumnList(table) + ") VALUES ";
    for (size_t r = 0; r < count; ++r) {
      sql += r == 0 ? "(" : ", (";
      for (size_t i = 0; i < width; ++i) {
        sql += (i == 0 ? "CAST(?" : ", CAST(?") + std::to_string(r * width + i + 1) + " AS " +
               table.columns[i].pg_type + ")";
      }
      sql += ")";
    }
    Result<Statement> insert = target.Prepare(sql);
    if (!insert.ok()) return insert.status();
    for (size_t r = 0; r < count; ++r) {
      const Row& row = (*rows)[first + r];
      for (size_t i = 0; i < width; ++i) {
        BindValue(*insert, static_cast<int>(r * width + i + 1), table.columns[i].kind, row[i]);
      }
    }
    if (Status s = insert->Run(); !s.ok()) return s;
    insert->Reset();
  }
  if (Status s = target.Exec("ALTER TABLE " + name + " ENABLE TRIGGER USER"); !s.ok()) return s;

  Progress next = progress;
  if (!rows->empty()) next.key = EncodeKey(table, KeyOf(table, rows->back()));
  next.rows += static_cast<int64_t>(rows->size());
  next.done = static_cast<int>(rows->size()) < batch_rows;
  Result<Statement> record = target.Prepare(
      "INSERT INTO migration_progress (table_name, copied_through_key, copied_rows, source_id, "
      "done) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (table_name) DO UPDATE SET "
      "copied_through_key = excluded.copied_through_key, copied_rows = excluded.copied_rows, "
      "done = excluded.done");
  if (!record.ok()) return record.status();
  record->BindText(1, table.name);
  record->BindText(2, next.key);
  record->BindInt(3, next.rows);
  record->BindText(4, source_id);
  record->BindInt(5, next.done ? 1 : 0);
  if (Status s = record->Run(); !s.ok()) return s;
  record->Reset();
  if (Status s = txn.Commit(); !s.ok()) return s;
  progress = next;
  return Status::Ok();
}

// Moves identity sequences past the copied ids and queues every live text message for search.
Status Finish(Db& target, const std::vector<Table>& tables, const CopyPlan& plan) {
  Transaction txn(target);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return s;
  for (const Table& table : tables) {
    for (const std::string& column : table.identity) {
      Result<Statement> move = target.Prepare(
          "SELECT setval(pg_get_serial_sequence(CAST(?1 AS TEXT), CAST(?2 AS TEXT)), max(" +
          Quoted(column) + ")) FROM " + Quoted(table.name));
      if (!move.ok()) return move.status();
      move->BindText(1, Quoted(table.name));
      move->BindText(2, column);
      if (Status s = move->Run(); !s.ok()) return s;
      move->Reset();
    }
  }
  // As the SQLite store's RequeueEverything (store/sqlite/search_index.cc).
  if (!plan.requeue_search) return txn.Commit();
  if (Status s = target.Exec(
          "DELETE FROM search_queue; DELETE FROM message_search;"
          "INSERT INTO search_queue (message_key) "
          "  SELECT (conversation_id << 32) | seq FROM messages "
          "  WHERE kind IN (0, 6) AND deleted = 0 AND text <> '' ORDER BY conversation_id, seq");
      !s.ok()) {
    return s;
  }
  return txn.Commit();
}

// Copies `source` into `target` (its schema made current) as `plan` says, resumably, then
// verifies every table. `batches` counts the batches committed (the test hook's limit).
Result<std::vector<TableCopy>> CopyAndVerify(Db& source, Db& target, const std::string& source_id,
                                             const CopyPlan& plan,
                                             const PostgresMigrationOptions& options,
                                             int& batches) {
  // One snapshot of the source for the whole copy and its verification.
  Transaction snapshot(source);
  if (Status s = snapshot.Begin(TransactionMode::kRead); !s.ok()) {
    return Fail("read the SQLite " + plan.prefix + "store", s);
  }
  Result<std::vector<Table>> tables = ReadSchema(source, target, plan);
  if (!tables.ok()) return Fail("read the " + plan.prefix + "schema", tables.status());
  Result<std::map<std::string, Progress>> progress = ReadProgress(target, *tables, source_id, plan);
  if (!progress.ok()) return Fail("check the PostgreSQL database", progress.status());

  for (const Table& table : *tables) {
    Progress& state = (*progress)[table.name];
    while (!state.done) {
      if (options.max_batches > 0 && batches == options.max_batches) {
        return Fail(Code::kUnavailable,
                    "stopped after " + std::to_string(batches) + " batches (run again to resume)");
      }
      if (Status s = CopyBatch(source, target, table, source_id, options.batch_rows, state);
          !s.ok()) {
        return Fail("copy " + plan.prefix + table.name, s);
      }
      ++batches;
    }
  }
  if (Status s = Finish(target, *tables, plan); !s.ok()) return Fail("finish", s);

  std::vector<TableCopy> copies;
  for (const Table& table : *tables) {
    const std::string name = plan.prefix + table.name;
    Result<Tally> from = TallyTable(source, table, options.batch_rows);
    if (!from.ok()) return Fail("verify " + name, from.status());
    Result<Tally> to = TallyTable(target, table, options.batch_rows);
    if (!to.ok()) return Fail("verify " + name, to.status());
    if (from->rows != to->rows) {
      return Fail(Code::kInternal, name + ": " + std::to_string(from->rows) + " rows in SQLite, " +
                                       std::to_string(to->rows) + " in PostgreSQL");
    }
    if (from->checksum != to->checksum) {
      return Fail(Code::kInternal,
                  name + ": " + std::to_string(from->rows) + " rows, checksums differ");
    }
    if (options.on_line) {
      options.on_line(name + ": " + std::to_string(from->rows) + " rows, checksum ok");
    }
    copies.push_back(TableCopy{name, from->rows, from->checksum});
  }
  return copies;
}

}  // namespace

Result<std::vector<TableCopy>> MigrateToPostgres(const PostgresMigrationOptions& options) {
  if (options.batch_rows < 1) return Fail(Code::kInvalidArgument, "batch_rows below 1");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.sqlite_path, ec)) {
    return Fail(Code::kNotFound, "no SQLite store at " + options.sqlite_path);
  }
  store::sqlite::DbOptions source_options;  // writer = false: query_only
  Result<std::unique_ptr<store::sqlite::SqliteDb>> source_db =
      store::sqlite::SqliteDb::Open(options.sqlite_path, source_options);
  if (!source_db.ok()) return Fail("open the SQLite store", source_db.status());
  Db& source = **source_db;
  Result<int64_t> version = store::sqlite::SchemaVersion(source);
  if (!version.ok()) return Fail("read the SQLite schema version", version.status());
  if (*version != store::sqlite::LatestSchemaVersion()) {
    return Fail(Code::kInvalidArgument, "the SQLite store is at schema version " +
                                            std::to_string(*version) + ", this binary's is " +
                                            std::to_string(store::sqlite::LatestSchemaVersion()) +
                                            ": run this parleyd on it once first");
  }

  store::postgres::PgOptions pg_options;
  pg_options.conninfo = options.conninfo;
  pg_options.application_name = "parleyd migrate-to-postgres";
  Result<std::unique_ptr<store::postgres::PgDb>> target_db =
      store::postgres::PgDb::Open(pg_options);
  // PgDb's errors never contain the conninfo.
  if (!target_db.ok()) return Fail("connect to PostgreSQL", target_db.status());
  Db& target = **target_db;
  if (Status s = store::postgres::ApplyPgMigrations(target); !s.ok()) {
    return Fail("prepare the PostgreSQL schema", s);
  }
  Result<std::string> source_id = SourceId(source);
  if (!source_id.ok()) return Fail("identify the SQLite store", source_id.status());

  int batches = 0;
  const CopyPlan store_plan{&SkippedInStore, "SELECT count(*) FROM users", "users", true, ""};
  Result<std::vector<TableCopy>> copies =
      CopyAndVerify(source, target, *source_id, store_plan, options, batches);
  if (!copies.ok() || options.push_path.empty() ||
      !std::filesystem::is_regular_file(options.push_path, ec)) {
    return copies;
  }

  // push.db into the `push` schema (push/push_db.h creates and migrates it), as the same
  // deployment: its progress rows carry the store's source id.
  Result<std::unique_ptr<store::sqlite::SqliteDb>> push_source =
      store::sqlite::SqliteDb::Open(options.push_path, source_options);
  if (!push_source.ok()) return Fail("open push.db", push_source.status());
  Result<std::unique_ptr<Db>> push_target =
      push::OpenPushDb(push::PushDbOptions{"", false, options.conninfo}, "");
  if (!push_target.ok()) return Fail("prepare the PostgreSQL push schema", push_target.status());
  const CopyPlan push_plan{&SkippedInPush, "SELECT count(*) FROM targets", "push targets", false,
                           "push."};
  Result<std::vector<TableCopy>> push_copies =
      CopyAndVerify(**push_source, **push_target, *source_id, push_plan, options, batches);
  if (!push_copies.ok()) return push_copies.status();
  copies->insert(copies->end(), push_copies->begin(), push_copies->end());
  return copies;
}

}  // namespace parley::app
