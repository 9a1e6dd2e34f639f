// Pieces shared by the audit log's .cc files: SQLite helpers, the event row as stored, the
// canonical serialization that the chain hashes, the install key, and schema handling.
// Not part of the service's interface; only service/audit/*.cc include it.
#ifndef DLP_SERVICE_AUDIT_AUDIT_INTERNAL_H_
#define DLP_SERVICE_AUDIT_AUDIT_INTERNAL_H_

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"

namespace dlp::audit::internal {

inline constexpr int kKeyBytes = 32;
inline const std::string kZeroHash(64, '0');

// ---- SQLite -----------------------------------------------------------------------------------

// "what: sqlite message (code)" as an IOError, or Corruption for SQLITE_CORRUPT/NOTADB.
Status SqlStatus(sqlite3* db, int rc, std::string_view what);
bool IsCorruptionCode(int rc);
Status Exec(sqlite3* db, const char* sql);

// Statements compiled once and kept for the life of a connection: an incident's append runs the
// same five statements every time, and compiling them was most of its cost. Not thread-safe:
// used under AuditLog's mutex. Statements are finalized before the connection is closed.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache();
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;
  sqlite3* db() const { return db_; }
  // The statement for sql, ready to bind and step, or nullptr with *rc the compile error.
  sqlite3_stmt* Get(const std::string& sql, int* rc);

 private:
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> stmts_;
};

// Runs a statement without results from the cache (BEGIN, COMMIT); errors as Exec's.
Status ExecCached(StmtCache* cache, const std::string& sql);

// A prepared statement that finalizes itself (or, taken from a StmtCache, is reset and kept).
// Bind indexes start at 1, columns at 0.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql);
  Stmt(StmtCache* cache, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  int prepare_rc() const { return prepare_rc_; }
  void Bind(int i, std::string_view text);
  void Bind(int i, int64_t v);
  int Step();  // SQLITE_ROW, SQLITE_DONE or an error code
  std::string Text(int col) const;
  int64_t Int(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int prepare_rc_;
  bool cached_ = false;
};

// Opens a second, read-only connection to the log (Verify, export): WAL readers see one
// consistent snapshot inside a transaction and never block the writer.
Status OpenReader(const std::string& path, sqlite3** db);

// ---- Rows and the chain -----------------------------------------------------------------------

// One row of `events` exactly as stored; the chain hashes these strings, not reparsed values.
struct EventRow {
  int64_t seq = 0;
  std::string kind;  // "incident" | "decision"
  int64_t incident_id = 0;
  std::string time;
  int64_t uid = 0;
  std::string user, host, channel, destination, group, action, rules, types;
  int64_t count = 0;
  std::string masked, fingerprint, bundle, decision, justification;
  std::string prev_hash, hash;
};

// The 21 columns in the order EventRow is read and written, each prefixed with "alias." if
// alias is not empty (for joins).
std::string EventColumns(std::string_view alias = "");
EventRow ReadEventRow(const Stmt& st, int first_col = 0);
void BindEventRow(Stmt* st, const EventRow& r);  // binds ?1..?21 in EventColumns() order

// SHA-256 hex over a length-prefixed serialization of every column but `hash`, prev_hash
// included: unambiguous (no separator can be forged inside a value) and versioned.
std::string RowHash(const EventRow& r);

// Verify's and ApplyRetention's work (audit_chain.cc); db is a connection in a transaction.
Status VerifyChain(sqlite3* db, uint64_t* rows_checked, std::string* problem);
Status PruneBefore(sqlite3* db, const std::string& cutoff_time, const std::string& now,
                   uint64_t* removed);

// Incident view of an incident row plus its decision row (kind "decision", or empty).
Incident ToIncident(const EventRow& inc, const EventRow* decision);
std::string JsonArray(const std::vector<std::string>& items);
std::vector<std::string> ParseJsonArray(const std::string& text);

// ---- Key and hashing (audit_key.cc) -----------------------------------------------------------

std::string Hex(const unsigned char* p, size_t n);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(const std::string& key, std::string_view data);
// Reads the 32-byte key, or creates it (mode 0600) when absent; a key file of the wrong size is
// moved aside and replaced, with a line in *note.
Status LoadOrCreateKey(const std::string& path, std::string* key, std::string* note);

// "<path>.corrupt-20261122T101500Z" (with "-1", "-2"... if taken) for the given UTC time.
std::string AsideName(const std::string& path);
std::string FormatTime(std::chrono::system_clock::time_point t);  // RFC 3339 UTC, ms

// ---- Schema (audit_schema.cc) -----------------------------------------------------------------

// Opens the log for writing: pragmas, integrity check, migrations. A corrupt, foreign or newer
// database is moved aside (with -wal, -shm) and recreated once, with a line in *note.
Status OpenWriter(const std::string& path, sqlite3** db, std::string* note);

}  // namespace dlp::audit::internal

#endif  // DLP_SERVICE_AUDIT_AUDIT_INTERNAL_H_
