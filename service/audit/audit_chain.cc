// The hash chain: how a row is serialized and hashed, how the chain is verified, and how
// retention removes old rows without breaking it.
//
// Chain: row n stores prev_hash = hash of row n-1 (or of the retention anchor; 64 zeros at the
// start) and hash = SHA-256 over all its columns and prev_hash. seq is hashed too, so renumbering
// is an edit. chain_state.head_* is updated in the same transaction as every append, so deleting
// the newest rows (which no later row points at) is caught as well.
//
// Retention removes only a prefix of the chain (rows with seq below some F) and stores the hash
// of the last removed row as the anchor, so the first kept row still links to something Verify
// knows. What this cannot catch, by design of any self-contained log: someone who can write the
// file may remove a prefix and move the anchor, or rewrite the whole chain. The export (shipped
// off the machine) and the event hashes in it are the defense against that.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>

#include "audit/audit_internal.h"

namespace dlp::audit::internal {
namespace {

void Field(std::string* out, std::string_view v) {
  out->append(std::to_string(v.size()));
  out->push_back(':');
  out->append(v);
  out->push_back('\n');
}

std::string RowName(int64_t seq) { return "row " + std::to_string(seq); }

// Why row r does not link to the row before it (last_seq, 0 = the chain's start or anchor).
std::string LinkProblem(const EventRow& r, int64_t last_seq, int64_t anchor_seq) {
  std::string prev = last_seq == anchor_seq
                         ? (anchor_seq == 0 ? std::string("the chain start")
                                            : "the retention anchor (" + RowName(anchor_seq) + ")")
                         : RowName(last_seq);
  std::string msg = RowName(r.seq) + ": prev_hash does not match " + prev;
  if (r.seq == last_seq + 2) return msg + " (" + RowName(last_seq + 1) + " deleted)";
  if (r.seq > last_seq + 2)
    return msg + " (rows " + std::to_string(last_seq + 1) + ".." + std::to_string(r.seq - 1) +
           " deleted)";
  return msg + " (deleted or reordered, or " + prev + " edited and re-hashed)";
}

}  // namespace

std::string EventColumns(std::string_view alias) {
  static const char* const kNames[] = {
      "seq", "kind", "incident_id", "time", "uid", "user_name", "host_name", "channel",
      "destination", "group_name", "action", "rules", "types", "count", "masked", "fingerprint",
      "bundle", "decision", "justification", "prev_hash", "hash"};
  std::string out;
  for (const char* name : kNames) {
    if (!out.empty()) out += ", ";
    if (!alias.empty()) out.append(alias).push_back('.');
    out += name;
  }
  return out;
}

EventRow ReadEventRow(const Stmt& st, int c) {
  EventRow r;
  r.seq = st.Int(c + 0);
  r.kind = st.Text(c + 1);
  r.incident_id = st.Int(c + 2);
  r.time = st.Text(c + 3);
  r.uid = st.Int(c + 4);
  r.user = st.Text(c + 5);
  r.host = st.Text(c + 6);
  r.channel = st.Text(c + 7);
  r.destination = st.Text(c + 8);
  r.group = st.Text(c + 9);
  r.action = st.Text(c + 10);
  r.rules = st.Text(c + 11);
  r.types = st.Text(c + 12);
  r.count = st.Int(c + 13);
  r.masked = st.Text(c + 14);
  r.fingerprint = st.Text(c + 15);
  r.bundle = st.Text(c + 16);
  r.decision = st.Text(c + 17);
  r.justification = st.Text(c + 18);
  r.prev_hash = st.Text(c + 19);
  r.hash = st.Text(c + 20);
  return r;
}

void BindEventRow(Stmt* st, const EventRow& r) {
  st->Bind(1, r.seq);
  st->Bind(2, r.kind);
  st->Bind(3, r.incident_id);
  st->Bind(4, r.time);
  st->Bind(5, r.uid);
  const std::string* texts[] = {&r.user, &r.host, &r.channel, &r.destination, &r.group,
                                &r.action, &r.rules, &r.types};
  for (int i = 0; i < 8; ++i) st->Bind(6 + i, *texts[i]);
  st->Bind(14, r.count);
  st->Bind(15, r.masked);
  st->Bind(16, r.fingerprint);
  st->Bind(17, r.bundle);
  st->Bind(18, r.decision);
  st->Bind(19, r.justification);
  st->Bind(20, r.prev_hash);
  st->Bind(21, r.hash);
}

std::string RowHash(const EventRow& r) {
  std::string c = "dlp-audit-row-v1\n";  // the version lets a future format coexist
  Field(&c, std::to_string(r.seq));
  Field(&c, r.kind);
  Field(&c, std::to_string(r.incident_id));
  Field(&c, r.time);
  Field(&c, std::to_string(r.uid));
  for (const std::string* s : {&r.user, &r.host, &r.channel, &r.destination, &r.group, &r.action,
                               &r.rules, &r.types})
    Field(&c, *s);
  Field(&c, std::to_string(r.count));
  for (const std::string* s : {&r.masked, &r.fingerprint, &r.bundle, &r.decision,
                               &r.justification, &r.prev_hash})
    Field(&c, *s);
  return Sha256Hex(c);
}

Status VerifyChain(sqlite3* db, uint64_t* rows_checked, std::string* problem) {
  *rows_checked = 0;
  problem->clear();
  Stmt cs(db, "SELECT anchor_seq, anchor_hash, head_seq, head_hash FROM chain_state WHERE id = 1");
  int rc = cs.Step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) return SqlStatus(db, rc, "reading chain_state");
    *problem = "chain_state is missing (deleted)";
    return Status::Corruption(*problem);
  }
  const int64_t anchor_seq = cs.Int(0), head_seq = cs.Int(2);
  const std::string head_hash = cs.Text(3);
  int64_t last_seq = anchor_seq;
  std::string expected_prev = cs.Text(1);

  Stmt st(db, ("SELECT " + EventColumns() + " FROM events ORDER BY seq").c_str());
  while ((rc = st.Step()) == SQLITE_ROW) {
    EventRow r = ReadEventRow(st);
    ++*rows_checked;
    // Order of checks: a row's own content first (an edit is reported at the edited row), then
    // its link to the row before (a deletion is reported at the row after the gap).
    if (r.seq <= anchor_seq)
      *problem = RowName(r.seq) + ": older than the retention anchor (" + RowName(anchor_seq) +
                 "): inserted, or the anchor was edited";
    else if (RowHash(r) != r.hash)
      *problem = RowName(r.seq) + ": hash mismatch (edited)";
    else if (r.prev_hash != expected_prev)
      *problem = LinkProblem(r, last_seq, anchor_seq);
    else if (r.seq != last_seq + 1)
      *problem = RowName(r.seq) + ": numbered out of sequence after " + RowName(last_seq);
    else if (!(r.kind == "incident" && r.incident_id == r.seq) &&
             !(r.kind == "decision" && r.incident_id < r.seq))
      *problem = RowName(r.seq) + ": malformed " + r.kind + " row";
    if (!problem->empty()) return Status::Corruption(*problem);
    expected_prev = r.hash;
    last_seq = r.seq;
  }
  if (rc != SQLITE_DONE) return SqlStatus(db, rc, "reading events");
  if (last_seq < head_seq)
    *problem = RowName(last_seq) + ": the chain ends here but its recorded head is " +
               RowName(head_seq) + " (newest rows deleted)";
  else if (last_seq != head_seq || expected_prev != head_hash)
    *problem = RowName(last_seq) + ": does not match the recorded chain head " +
               RowName(head_seq) + " (rows added outside the agent, or the head edited)";
  return problem->empty() ? Status::OK() : Status::Corruption(*problem);
}

Status PruneBefore(sqlite3* db, const std::string& cutoff_time, const std::string& now,
                   uint64_t* removed) {
  *removed = 0;
  // F: the first row at or after the cutoff. Walking in seq order stops there, so the cost is
  // the rows being removed; rows after F whose clock went backwards are simply kept.
  int64_t first_kept = INT64_MAX;
  {
    Stmt st(db, "SELECT seq FROM events WHERE time >= ?1 ORDER BY seq LIMIT 1");
    st.Bind(1, cutoff_time);
    int rc = st.Step();
    if (rc == SQLITE_ROW) first_kept = st.Int(0);
    else if (rc != SQLITE_DONE) return SqlStatus(db, rc, "retention");
  }
  {  // An old incident decided after F stays, with all after it: no orphan decisions.
    Stmt st(db, "SELECT min(incident_id) FROM events WHERE kind = 'decision' AND "
                "incident_id < ?1 AND seq >= ?1");
    st.Bind(1, first_kept);
    int rc = st.Step();
    if (rc != SQLITE_ROW) return SqlStatus(db, rc, "retention");
    if (st.Int(0) > 0) first_kept = std::min(first_kept, st.Int(0));  // NULL (none) reads 0
  }
  Stmt last(db, "SELECT seq, hash FROM events WHERE seq < ?1 ORDER BY seq DESC LIMIT 1");
  last.Bind(1, first_kept);
  int rc = last.Step();
  if (rc == SQLITE_DONE) return Status::OK();  // nothing old enough
  if (rc != SQLITE_ROW) return SqlStatus(db, rc, "retention");
  const int64_t anchor_seq = last.Int(0);
  const std::string anchor_hash = last.Text(1);

  Stmt del(db, "DELETE FROM events WHERE seq <= ?1");
  del.Bind(1, anchor_seq);
  if ((rc = del.Step()) != SQLITE_DONE) return SqlStatus(db, rc, "retention delete");
  *removed = static_cast<uint64_t>(sqlite3_changes(db));
  Stmt up(db, "UPDATE chain_state SET anchor_seq = ?1, anchor_hash = ?2, "
              "pruned_rows = pruned_rows + ?3, pruned_at = ?4 WHERE id = 1");
  up.Bind(1, anchor_seq);
  up.Bind(2, anchor_hash);
  up.Bind(3, static_cast<int64_t>(*removed));
  up.Bind(4, now);
  if ((rc = up.Step()) != SQLITE_DONE) return SqlStatus(db, rc, "retention anchor");
  return Status::OK();
}

Incident ToIncident(const EventRow& inc, const EventRow* decision) {
  Incident out;
  out.id = inc.seq;
  out.time = inc.time;
  out.uid = static_cast<uint32_t>(inc.uid);
  out.user = inc.user;
  out.host = inc.host;
  out.channel = inc.channel;
  out.destination = inc.destination;
  out.group = inc.group;
  out.action = inc.action;
  out.rules = ParseJsonArray(inc.rules);
  out.types = ParseJsonArray(inc.types);
  out.count = static_cast<int>(inc.count);
  out.masked = inc.masked;
  out.fingerprint = inc.fingerprint;
  out.bundle = inc.bundle;
  if (decision != nullptr) {
    out.decision = decision->decision;
    out.justification = decision->justification;
    out.decided_at = decision->time;
  }
  return out;
}

std::string JsonArray(const std::vector<std::string>& items) {
  // replace: an invalid UTF-8 rule id must not throw out of the service; it is stored mended.
  return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> ParseJsonArray(const std::string& text) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& item : j)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace dlp::audit::internal
