// AuditLog: opening, appending incidents and decisions, history, verification, retention.
// The chain itself (serialization, verification, pruning) is in audit_chain.cc, the schema in
// audit_schema.cc, the key in audit_key.cc and the ECS export in audit_export.cc.
#include "audit/audit_log.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>

#include "audit/audit_internal.h"

namespace dlp::audit {

using internal::EventRow;
using internal::Exec;
using internal::SqlStatus;
using internal::Stmt;

namespace {

constexpr size_t kMaxJustificationBytes = 1000;

bool IsHex64(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') ||
                                                              (c >= 'a' && c <= 'f'); });
}

// A write transaction that rolls back unless committed, so every early return is clean.
// IMMEDIATE takes the write lock up front: reading the chain head and appending after it must
// not interleave with another process's append.
class WriteTxn {
 public:
  explicit WriteTxn(internal::StmtCache* stmts)
      : db_(stmts->db()), stmts_(stmts), begin_(internal::ExecCached(stmts, "BEGIN IMMEDIATE")) {}
  ~WriteTxn() {
    if (begin_.ok() && !done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  const Status& begin() const { return begin_; }
  Status Commit() {
    done_ = true;
    Status s = internal::ExecCached(stmts_, "COMMIT");
    if (!s.ok()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }

 private:
  sqlite3* db_;
  internal::StmtCache* stmts_;
  Status begin_;
  bool done_ = false;
};

// Links r after the current head and inserts it; the caller holds the mutex and a WriteTxn.
Status AppendRow(internal::StmtCache* stmts, EventRow* r) {
  sqlite3* db = stmts->db();
  Stmt head(stmts, "SELECT head_seq, head_hash FROM chain_state WHERE id = 1");
  int rc = head.Step();
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE ? Status::Corruption("audit chain_state row is missing")
                             : SqlStatus(db, rc, "reading chain head");
  r->seq = head.Int(0) + 1;
  if (r->kind == "incident") r->incident_id = r->seq;
  r->prev_hash = head.Text(1);
  r->hash = internal::RowHash(*r);
  static const std::string kInsert =
      "INSERT INTO events(" + internal::EventColumns() +
      ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)";
  Stmt ins(stmts, kInsert);
  internal::BindEventRow(&ins, *r);
  if ((rc = ins.Step()) != SQLITE_DONE) return SqlStatus(db, rc, "appending to audit log");
  Stmt up(stmts, "UPDATE chain_state SET head_seq = ?1, head_hash = ?2 WHERE id = 1");
  up.Bind(1, r->seq);
  up.Bind(2, r->hash);
  if ((rc = up.Step()) != SQLITE_DONE) return SqlStatus(db, rc, "moving chain head");
  return Status::OK();
}

}  // namespace

AuditLog::AuditLog(std::string db_path, std::string key, sqlite3* db)
    : db_path_(std::move(db_path)), key_(std::move(key)),
      clock_([] { return std::chrono::system_clock::now(); }), db_(db),
      stmts_(std::make_unique<internal::StmtCache>(db)) {}

AuditLog::~AuditLog() {
  stmts_.reset();  // finalized before the connection closes
  sqlite3_close_v2(db_);
  OPENSSL_cleanse(key_.data(), key_.size());
}

Status AuditLog::Open(const std::string& db_path, const std::string& key_path,
                      std::unique_ptr<AuditLog>* out, std::string* note) {
  if (out == nullptr) return Status::InvalidArgument("AuditLog::Open: out is null");
  out->reset();
  std::string notes, key;
  Status s = internal::LoadOrCreateKey(key_path, &key, &notes);
  sqlite3* db = nullptr;
  if (s.ok()) s = internal::OpenWriter(db_path, &db, &notes);
  // One line per repair, joined: the service logs *note as a single line.
  while (!notes.empty() && notes.back() == '\n') notes.pop_back();
  for (size_t at; (at = notes.find('\n')) != std::string::npos;) notes.replace(at, 1, "; ");
  if (note != nullptr) *note = notes;
  if (!s.ok()) return s;
  out->reset(new AuditLog(db_path, std::move(key), db));
  return Status::OK();
}

void AuditLog::SetClockForTesting(Clock clock) { clock_ = std::move(clock); }

std::string AuditLog::Now() const { return internal::FormatTime(clock_()); }

std::string AuditLog::Fingerprint(std::string_view value) const {
  return internal::HmacSha256Hex(key_, value);
}

Status AuditLog::SetSynchronous(bool full) {
  if (full == synchronous_full_) return Status::OK();
  // Outside any transaction (SQLite ignores the pragma inside one).
  Status s = Exec(db_, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  if (s.ok()) synchronous_full_ = full;
  return s;
}

Status AuditLog::Append(Incident* inc) {
  if (inc == nullptr) return Status::InvalidArgument("Append: incident is null");
  if (inc->action != "allow" && inc->action != "warn" && inc->action != "block")
    return Status::InvalidArgument("unknown action '" + inc->action + "' (allow, warn or block)");
  if (inc->count < 0) return Status::InvalidArgument("negative count");
  if (!inc->fingerprint.empty() && !IsHex64(inc->fingerprint))
    return Status::InvalidArgument("fingerprint must be Fingerprint()'s 64 hex digits");
  EventRow r;
  r.kind = "incident";
  r.uid = inc->uid;
  r.user = inc->user;
  r.host = inc->host;
  r.channel = inc->channel;
  r.destination = inc->destination;
  r.group = inc->group;
  r.action = inc->action;
  r.rules = internal::JsonArray(inc->rules);
  r.types = internal::JsonArray(inc->types);
  r.count = inc->count;
  r.masked = inc->masked;
  r.fingerprint = inc->fingerprint;
  r.bundle = inc->bundle;

  {
    std::lock_guard<std::mutex> lock(mu_);
    // A blocked paste never left the machine, and a warned one waits for its decision (which is
    // written durably, syncing this row with it): their rows need not wait for the disk.
    Status s = SetSynchronous(inc->action == "allow");
    if (!s.ok()) return s;
    r.time = Now();  // under the lock, so times follow the chain's order
    WriteTxn txn(stmts_.get());
    if (!txn.begin().ok()) return txn.begin();
    s = AppendRow(stmts_.get(), &r);
    if (s.ok()) s = txn.Commit();
    if (!s.ok()) return s;
  }
  if (on_write_) on_write_(r.seq);
  inc->id = r.seq;
  inc->time = r.time;
  inc->decision.clear();
  inc->justification.clear();
  inc->decided_at.clear();
  return Status::OK();
}

Status AuditLog::Decide(int64_t id, uint32_t uid, const std::string& decision,
                        const std::string& justification, Incident* updated) {
  if (decision != "cancel" && decision != "continue" && decision != "false_alarm")
    return Status::InvalidArgument("unknown decision '" + decision +
                                   "' (cancel, continue or false_alarm)");
  if (justification.size() > kMaxJustificationBytes)
    return Status::InvalidArgument("justification is longer than 1000 bytes");
  int64_t seq = 0;
  Status s = DecideLocked(id, uid, decision, justification, updated, &seq);
  if (s.ok() && on_write_) on_write_(seq);
  return s;
}

Status AuditLog::DecideLocked(int64_t id, uint32_t uid, const std::string& decision,
                              const std::string& justification, Incident* updated,
                              int64_t* seq) {
  const std::string id_text = "incident " + std::to_string(id);
  std::lock_guard<std::mutex> lock(mu_);
  // A decision may release content (continue): on disk before the client hears "ok".
  if (Status s = SetSynchronous(true); !s.ok()) return s;
  WriteTxn txn(stmts_.get());
  if (!txn.begin().ok()) return txn.begin();
  EventRow inc;
  {
    Stmt st(db_, ("SELECT " + internal::EventColumns() +
                  " FROM events WHERE seq = ?1 AND kind = 'incident'").c_str());
    st.Bind(1, id);
    int rc = st.Step();
    if (rc == SQLITE_DONE) return Status::NotFound("no " + id_text);
    if (rc != SQLITE_ROW) return SqlStatus(db_, rc, "reading " + id_text);
    inc = internal::ReadEventRow(st);
  }
  // Another user's incident is "forbidden", not "not found": ids are sequential, so hiding
  // existence would buy nothing, and the distinction helps support.
  if (inc.uid != static_cast<int64_t>(uid))
    return Status::InvalidArgument("forbidden: " + id_text + " belongs to another user");
  {
    Stmt st(db_, "SELECT 1 FROM events WHERE kind = 'decision' AND incident_id = ?1");
    st.Bind(1, id);
    int rc = st.Step();
    if (rc == SQLITE_ROW) return Status::InvalidArgument("forbidden: " + id_text +
                                                         " is already decided");
    if (rc != SQLITE_DONE) return SqlStatus(db_, rc, "reading decisions");
  }
  if (inc.action == "block" && decision == "continue")
    return Status::InvalidArgument("forbidden: " + id_text +
                                   " was blocked; it cannot be continued");

  EventRow d;  // its own chained row: a changed answer is as detectable as a changed incident
  d.kind = "decision";
  d.incident_id = id;
  d.time = Now();
  d.uid = uid;
  d.rules = d.types = "[]";
  d.decision = decision;
  d.justification = justification;
  Status s = AppendRow(stmts_.get(), &d);
  if (s.ok()) s = txn.Commit();
  if (!s.ok()) return s;
  *seq = d.seq;
  if (updated != nullptr) *updated = internal::ToIncident(inc, &d);
  return Status::OK();
}

Status AuditLog::History(uint32_t uid, int64_t before_id, int limit, std::vector<Incident>* out) {
  if (out == nullptr) return Status::InvalidArgument("History: out is null");
  out->clear();
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  limit = std::min(limit, 1000);
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, ("SELECT " + internal::EventColumns("i") + ", " + internal::EventColumns("d") +
                " FROM events i LEFT JOIN events d ON d.kind = 'decision' AND "
                "d.incident_id = i.seq WHERE i.kind = 'incident' AND i.uid = ?1 AND i.seq < ?2 "
                "ORDER BY i.seq DESC LIMIT ?3").c_str());
  st.Bind(1, static_cast<int64_t>(uid));
  st.Bind(2, before_id > 0 ? before_id : INT64_MAX);
  st.Bind(3, static_cast<int64_t>(limit));
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    EventRow inc = internal::ReadEventRow(st, 0);
    EventRow dec = internal::ReadEventRow(st, 21);
    out->push_back(internal::ToIncident(inc, dec.seq != 0 ? &dec : nullptr));
  }
  if (rc != SQLITE_DONE) return SqlStatus(db_, rc, "reading history");
  return Status::OK();
}

Status AuditLog::Verify(uint64_t* rows_checked, std::string* problem) {
  uint64_t rows = 0;
  std::string why;
  sqlite3* db = nullptr;
  Status s = internal::OpenReader(db_path_, &db);
  // One read transaction: the chain and its recorded head come from the same snapshot even
  // while the service keeps appending.
  if (s.ok()) s = Exec(db, "BEGIN");
  if (s.ok()) s = internal::VerifyChain(db, &rows, &why);
  sqlite3_close_v2(db);  // ends the read transaction
  if (!s.ok() && why.empty()) why = s.message();
  if (rows_checked != nullptr) *rows_checked = rows;
  if (problem != nullptr) *problem = why;
  return s;
}

Status AuditLog::ApplyRetention(int days, uint64_t* removed) {
  if (days < 0) return Status::InvalidArgument("retention days must not be negative");
  uint64_t n = 0;
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_();
  std::string cutoff = internal::FormatTime(now - std::chrono::hours(24) * days);
  {
    WriteTxn txn(stmts_.get());
    if (!txn.begin().ok()) return txn.begin();
    Status s = internal::PruneBefore(db_, cutoff, internal::FormatTime(now), &n);
    if (s.ok()) s = txn.Commit();
    if (!s.ok()) return s;
  }
  // secure_delete zeroed the freed pages in the WAL; a truncating checkpoint also drops the
  // WAL's older copies of those pages. Failure (a reader in the way) only delays that.
  if (n > 0) sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (removed != nullptr) *removed = n;
  return Status::OK();
}

}  // namespace dlp::audit
