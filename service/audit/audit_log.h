// The audit log of dlp-agentd: one SQLite database (WAL) of incidents and the users' decisions,
// hash-chained so that an edited, deleted or reordered row is detected by Verify().
//
// What it records: time, uid and user name, host, channel, destination, policy group, action,
// rule ids, types, a count, a masked excerpt, a keyed HMAC fingerprint (per-install key) of the
// matched values, the bundle, and the user's decision and justification. It never records the
// scanned text or a matched value: no call takes one, and Fingerprint() is the only way a value
// reaches the log (DESIGN.md, "Privacy of what it records"). The one free text is the user's
// own justification, stored as typed (at most 1000 bytes); clients ask for a reason, not content.
//
// Chain: every row of the `events` table (kind "incident" or "decision") stores prev_hash and
// hash = SHA-256(canonical serialization of all its columns + prev_hash). A decision is its own
// chained row, never an UPDATE of the incident, so a changed answer is as visible as a changed
// incident. `chain_state` records the anchor (hash of the last row removed by retention, 64
// zeros at first) and the head (the last row appended), so Verify also notices a truncated tail.
//
// Thread safety: all methods may be called from any thread at once. Append, Decide, History and
// ApplyRetention share one connection guarded by a mutex, which also serializes the chain;
// Verify and ExportNdjson open their own read-only connection, so an officer's long export does
// not stall the scans that record incidents (WAL lets readers and the writer run together).
// Another process may open the same files too: the chain head is read and extended inside one
// BEGIN IMMEDIATE transaction, so appends from two processes still form one chain.
// Ownership: an AuditLog owns its connection and key; Open hands it to the caller.
//
// Durability: every row whose Append/Decide returned OK (and whose reply the service then sent)
// survives SIGKILL of the service: it is in the WAL, which SQLite replays. Rows that record
// content leaving the machine (an "allow" incident, every decision) are also fsynced before the
// call returns (synchronous=FULL), so they survive a power cut. "block" and "warn" incidents are
// committed with synchronous=NORMAL: the content was held back, and waiting ~0.2-3 ms for the
// disk on every blocked paste would be most of the verdict's latency. They reach the disk with
// the next fsynced row, the next WAL checkpoint, or the kernel's writeback (about 30 s); a
// power cut before that loses them whole (never half a row: the chain stays intact).
#ifndef DLP_SERVICE_AUDIT_AUDIT_LOG_H_
#define DLP_SERVICE_AUDIT_AUDIT_LOG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dlp/status.h"

struct sqlite3;

namespace dlp::audit {
namespace internal {
class StmtCache;
}

struct Incident {
  int64_t id = 0;            // assigned by Append: the incident's row in the chain
  std::string time;          // assigned by Append: RFC 3339 UTC with milliseconds
  uint32_t uid = 0;
  std::string user, host, channel, destination, group;
  std::string action;        // allow | warn | block
  std::vector<std::string> rules, types;
  int count = 0;
  std::string masked;        // masked excerpt(s), never raw
  std::string fingerprint;   // Fingerprint() of the matched values: "" or 64 hex digits
  std::string bundle;        // "name version"
  // Filled by History/Decide from the incident's decision row, ignored by Append.
  std::string decision;      // "" | cancel | continue | false_alarm
  std::string justification;
  std::string decided_at;
};

// A decision row (kind "decision") as the SIEM forwarder reads it, with the user and host of
// the incident it answers (decision rows store only the uid).
struct DecisionRow {
  int64_t seq = 0;          // the decision's own row in the chain
  int64_t incident_id = 0;  // the incident it answers
  std::string time;         // when the user decided
  uint32_t uid = 0;
  std::string user, host;   // from the incident
  std::string decision;     // cancel | continue | false_alarm
  std::string justification;
  std::string hash;         // the decision row's chain hash
};

class AuditLog {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Opens (creating if needed) the database at db_path and the per-install HMAC key at key_path
  // (32 random bytes, mode 0600, created if absent). The parent directories must exist.
  // A database that is not one, fails quick_check, or has a newer schema is renamed to
  // "<db_path>.corrupt-<UTC time>" (with its -wal and -shm) and a fresh one is started; an
  // unreadable key file is renamed the same way. Each such repair adds one line to *note
  // (empty when nothing happened) for the service to log. Errors that are not corruption
  // (permissions, disk) return non-OK and touch nothing.
  static Status Open(const std::string& db_path, const std::string& key_path,
                     std::unique_ptr<AuditLog>* out, std::string* note);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // HMAC-SHA256 of value with the install key, lower-case hex: the same value gives the same
  // fingerprint on this install, and nothing about the value without the key.
  std::string Fingerprint(std::string_view value) const;

  // Records an incident; sets inc->id and inc->time. InvalidArgument for an unknown action, a
  // negative count, or a fingerprint that is not "" or 64 hex digits (a guard against a raw
  // value being passed in its place).
  Status Append(Incident* inc);

  // Records the user's answer to incident `id`. NotFound for an unknown id; InvalidArgument with
  // a message starting "forbidden:" when the incident is another uid's, is already decided, or
  // is a block answered with "continue"; plain InvalidArgument for an unknown decision or a
  // justification over 1000 bytes. On success *updated (if given) is the incident with its
  // decision.
  Status Decide(int64_t id, uint32_t uid, const std::string& decision,
                const std::string& justification, Incident* updated);

  // uid's own incidents with id < before_id (0 = from the newest), newest first, at most limit
  // (1..1000), each with its decision.
  Status History(uint32_t uid, int64_t before_id, int limit, std::vector<Incident>* out);

  // Recomputes the whole chain. OK with *problem empty when intact; otherwise Corruption and
  // *problem names the first bad row, e.g. "row 17: hash mismatch (edited)".
  Status Verify(uint64_t* rows_checked, std::string* problem);

  // Decision rows with seq > after_seq, oldest first, at most max, through a read-only
  // connection of their own (as ExportNdjson).
  Status Decisions(int64_t after_seq, size_t max, std::vector<DecisionRow>* out);

  // Called after every committed Append or Decide, outside the log's lock, on the writer's
  // thread, with the new row's seq (the SIEM forwarder's wake-up). Must be cheap and must not
  // call back into the log. Set before the log is shared between threads.
  void SetOnWrite(std::function<void(int64_t seq)> fn) { on_write_ = std::move(fn); }

  // One JSON object per incident with id > after_id, oldest first, with Elastic Common Schema
  // field names as nested objects (event.*, user.*, host.*, rule.*, url.*, destination.*) and
  // the agent's own fields under "dlp".
  Status ExportNdjson(std::ostream& out, int64_t after_id = 0);

  // Removes the rows older than `days` days. Only a prefix of the chain is ever removed (so the
  // rest still links up), and chain_state's anchor takes the hash of the last removed row, which
  // is where Verify starts. An old incident decided after the cutoff is kept, with everything
  // after it, until its decision is old too: a decision never outlives its incident.
  // *removed (optional) is the number of rows removed.
  Status ApplyRetention(int days, uint64_t* removed = nullptr);

  // Replaces the wall clock used for incident and decision times and the retention cutoff.
  // For tests; call before the log is shared between threads.
  void SetClockForTesting(Clock clock);

  const std::string& db_path() const { return db_path_; }

 private:
  AuditLog(std::string db_path, std::string key, sqlite3* db);
  Status DecideLocked(int64_t id, uint32_t uid, const std::string& decision,
                      const std::string& justification, Incident* updated, int64_t* seq);
  std::string Now() const;
  // FULL (fsync at commit) or NORMAL for the next commits; caller holds mu_.
  Status SetSynchronous(bool full);

  const std::string db_path_;
  std::string key_;        // 32 raw bytes; wiped on destruction
  Clock clock_;
  std::function<void(int64_t)> on_write_;
  std::mutex mu_;          // guards db_, stmts_ and the chain head
  sqlite3* db_;
  std::unique_ptr<internal::StmtCache> stmts_;  // db_'s statements, compiled once
  bool synchronous_full_ = true;  // what audit_schema.cc opened the connection with
};

}  // namespace dlp::audit

#endif  // DLP_SERVICE_AUDIT_AUDIT_LOG_H_
