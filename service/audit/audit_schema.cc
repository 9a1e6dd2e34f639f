// Opening the audit database: SQLite helpers, pragmas, the integrity check, schema migrations,
// and moving a corrupt database aside.
//
// Migrations: PRAGMA user_version is the schema version; kMigrations[i] takes a database from
// version i to i+1 inside one transaction together with the version bump, so a crash mid-way
// leaves the old version intact. A future change is one more function appended to the list.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "audit/audit_internal.h"

namespace dlp::audit::internal {

// ---- SQLite helpers ---------------------------------------------------------------------------

bool IsCorruptionCode(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

Status SqlStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                    " (sqlite " + std::to_string(rc) + ")";
  if (IsCorruptionCode(rc)) return Status::Corruption(std::move(msg));
  return Status::IOError(std::move(msg));
}

Status Exec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::OK() : SqlStatus(db, rc, sql);
}

Stmt::Stmt(sqlite3* db, const char* sql) : db_(db) {
  prepare_rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
}
Stmt::Stmt(StmtCache* cache, const std::string& sql) : db_(cache->db()), cached_(true) {
  stmt_ = cache->Get(sql, &prepare_rc_);
}
Stmt::~Stmt() {
  if (!cached_) {
    sqlite3_finalize(stmt_);
  } else if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

StmtCache::~StmtCache() {
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
}

sqlite3_stmt* StmtCache::Get(const std::string& sql, int* rc) {
  *rc = SQLITE_OK;
  if (auto it = stmts_.find(sql); it != stmts_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  *rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (*rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  stmts_.emplace(sql, stmt);
  return stmt;
}

Status ExecCached(StmtCache* cache, const std::string& sql) {
  Stmt st(cache, sql);
  int rc = st.Step();
  while (rc == SQLITE_ROW) rc = st.Step();
  return rc == SQLITE_DONE ? Status::OK() : SqlStatus(cache->db(), rc, sql);
}
void Stmt::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
void Stmt::Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
int Stmt::Step() { return prepare_rc_ != SQLITE_OK ? prepare_rc_ : sqlite3_step(stmt_); }
std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}
int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

Status OpenReader(const std::string& path, sqlite3** db) {
  *db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqlStatus(*db, rc, "cannot open audit log " + path);
    sqlite3_close_v2(*db);
    *db = nullptr;
    return s;
  }
  sqlite3_extended_result_codes(*db, 1);
  sqlite3_busy_timeout(*db, 5000);
  return Status::OK();
}

namespace {

constexpr int64_t kApplicationId = 0x444c5041;  // "DLPA": tells our file from any other SQLite

// Version 1: the chained events table and the chain's anchor and head.
Status Migration1(sqlite3* db) {
  return Exec(db, R"sql(
    CREATE TABLE events(
      seq INTEGER PRIMARY KEY,              -- position in the chain; an incident's id
      kind TEXT NOT NULL,                   -- 'incident' | 'decision'
      incident_id INTEGER NOT NULL,         -- = seq for an incident; the decided one otherwise
      time TEXT NOT NULL,                   -- RFC 3339 UTC, ms: sorts as text
      uid INTEGER NOT NULL,
      user_name TEXT NOT NULL, host_name TEXT NOT NULL, channel TEXT NOT NULL,
      destination TEXT NOT NULL, group_name TEXT NOT NULL, action TEXT NOT NULL,
      rules TEXT NOT NULL, types TEXT NOT NULL,          -- JSON arrays
      count INTEGER NOT NULL, masked TEXT NOT NULL, fingerprint TEXT NOT NULL,
      bundle TEXT NOT NULL, decision TEXT NOT NULL, justification TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX events_by_uid ON events(uid, seq) WHERE kind = 'incident';
    CREATE UNIQUE INDEX one_decision_per_incident ON events(incident_id) WHERE kind = 'decision';
    CREATE TABLE chain_state(
      id INTEGER PRIMARY KEY CHECK (id = 1),
      anchor_seq INTEGER NOT NULL, anchor_hash TEXT NOT NULL,  -- last row removed by retention
      head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL,      -- last row appended
      pruned_rows INTEGER NOT NULL, pruned_at TEXT NOT NULL);
    -- The chain starts after a virtual row whose hash is 64 zeros.
    INSERT INTO chain_state VALUES(1, 0, hex(zeroblob(32)), 0, hex(zeroblob(32)), 0, '');
    PRAGMA application_id = 1145851969;
  )sql");
}
static_assert(kApplicationId == 1145851969);

using Migration = Status (*)(sqlite3*);
constexpr Migration kMigrations[] = {&Migration1};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

Status Migrate(sqlite3* db, int from) {
  for (int v = from + 1; v <= kSchemaVersion; ++v) {
    Status s = Exec(db, "BEGIN IMMEDIATE");
    if (s.ok()) s = kMigrations[v - 1](db);
    if (s.ok()) s = Exec(db, ("PRAGMA user_version = " + std::to_string(v)).c_str());
    if (s.ok()) s = Exec(db, "COMMIT");
    if (!s.ok()) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return Status(s.code() == Status::Code::kCorruption ? s
                    : Status::IOError("audit schema migration to version " + std::to_string(v) +
                                      " failed: " + s.message()));
    }
  }
  return Status::OK();
}

// One integer from a pragma or query, or the error.
Status QueryInt(sqlite3* db, const char* sql, int64_t* v) {
  Stmt st(db, sql);
  int rc = st.Step();
  if (rc != SQLITE_ROW) return SqlStatus(db, rc, sql);
  *v = st.Int(0);
  return Status::OK();
}

// Opens and checks the database. A non-OK Status is an error to report as is; *broken set means
// the file is not a usable audit log of ours and should be moved aside.
Status TryOpen(const std::string& path, sqlite3** out, std::string* broken) {
  // Create the file ourselves so it (and SQLite's -wal and -shm, which copy its mode) is 0600:
  // the log names users and the places they pasted to.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot open audit log " + path + ": " + std::strerror(errno));
  ::close(fd);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqlStatus(db, rc, "cannot open audit log " + path);
    sqlite3_close_v2(db);
    return s;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  auto fail = [&](Status s) {
    sqlite3_close_v2(db);
    if (s.code() == Status::Code::kCorruption) {  // the file is at fault, not the machine
      *broken = s.message();
      return Status::OK();
    }
    return s;
  };

  {  // The first statement that reads the file: a garbage file fails here with NOTADB.
    Stmt st(db, "PRAGMA journal_mode = WAL");
    rc = st.Step();
    if (rc != SQLITE_ROW) return fail(SqlStatus(db, rc, "reading the file"));
    if (st.Text(0) != "wal")
      return fail(Status::IOError("audit log " + path + " refused WAL mode"));
  }
  // FULL: every commit is fsynced, so an incident acknowledged to a client survives SIGKILL or
  // a power cut. secure_delete: rows removed by retention are zeroed, not left in free pages.
  Status s = Exec(db, "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;");
  if (!s.ok()) return fail(s);
  {  // quick_check (not integrity_check): every page and record is read, index contents are
     // not cross-checked, so a start stays well under a second for a year of incidents.
    Stmt st(db, "PRAGMA quick_check");
    rc = st.Step();
    if (rc != SQLITE_ROW) return fail(SqlStatus(db, rc, "quick_check"));
    std::string result = st.Text(0);  // may span lines; the note must stay one line
    std::replace(result.begin(), result.end(), '\n', ' ');
    if (result.size() > 200) result = result.substr(0, 200) + "...";
    if (result != "ok") return fail(Status::Corruption("quick_check: " + result));
  }
  int64_t version = 0, app_id = 0, tables = 0;
  s = QueryInt(db, "PRAGMA user_version", &version);
  if (s.ok()) s = QueryInt(db, "PRAGMA application_id", &app_id);
  if (s.ok()) s = QueryInt(db, "SELECT count(*) FROM sqlite_master", &tables);
  if (!s.ok()) return fail(s);
  if (version > kSchemaVersion)
    return fail(Status::Corruption("schema version " + std::to_string(version) +
                                   " is newer than this agent's " +
                                   std::to_string(kSchemaVersion)));
  if ((version != 0 || tables != 0) && app_id != kApplicationId)
    return fail(Status::Corruption("not a dlp audit log (application_id " + std::to_string(app_id) +
                                   ", schema version " + std::to_string(version) + ")"));
  s = Migrate(db, static_cast<int>(version));
  if (!s.ok()) return fail(s);
  *out = db;
  return Status::OK();
}

// Renames path and its -wal/-shm to the same aside name, so SQLite can still open the moved
// copy with its WAL for inspection.
Status MoveAside(const std::string& path, std::string* aside) {
  *aside = AsideName(path);
  if (::rename(path.c_str(), aside->c_str()) != 0)
    return Status::IOError("cannot move aside corrupt audit log " + path + ": " +
                           std::strerror(errno));
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string from = path + suffix;
    if (::rename(from.c_str(), (*aside + suffix).c_str()) != 0 && errno != ENOENT)
      return Status::IOError("cannot move aside " + from + ": " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace

Status OpenWriter(const std::string& path, sqlite3** db, std::string* note) {
  *db = nullptr;
  std::string broken;
  Status s = TryOpen(path, db, &broken);
  if (!s.ok() || broken.empty()) return s;
  std::string aside;
  s = MoveAside(path, &aside);
  if (!s.ok()) return s;
  *note += "audit log " + path + " was unusable (" + broken + "); moved it to " + aside +
           " and started a fresh log\n";
  std::string again;
  s = TryOpen(path, db, &again);
  if (s.ok() && !again.empty())
    return Status::Corruption("fresh audit log " + path + " is unusable too: " + again);
  return s;
}

}  // namespace dlp::audit::internal
