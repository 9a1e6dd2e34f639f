// `audit export --format ndjson`: one JSON object per incident, with Elastic Common Schema
// field names as nested objects so the lines can be bulk-loaded into Elasticsearch/OpenSearch
// (or read by any SIEM that speaks ECS) without an ingest pipeline.
//
// Mapping (ECS 8.x):
//   @timestamp            incident time              event.kind       "alert"
//   event.category        ["intrusion_detection"]    event.type       denied | allowed | info
//   event.action          allow | warn | block       event.outcome    did the transfer go ahead
//   event.id              incident id (string)       event.hash       the row's chain hash
//   event.dataset         "dlp.incident"             event.provider   "dlp-agentd"
//   rule.id               rule ids (array)           rule.ruleset / rule.version  the bundle
//   user.id / user.name   uid (string) / name        host.name
//   url.original          destination when a URL     destination.domain  its host name
//   dlp.*                 channel, group, destination, types, count, masked, fingerprint,
//                         bundle, decision, justification, decided_at
// The hash lets a SIEM that keeps the export re-check rows later against the agent's chain.
#include <nlohmann/json.hpp>

#include "audit/audit_internal.h"

namespace dlp::audit {
namespace {

using nlohmann::json;

// The host of a URL ("https://chat.openai.com/c/1" -> "chat.openai.com"), or the destination
// itself when it is already a bare host name; "" for application ids and group names.
std::string DestinationDomain(const std::string& dest) {
  size_t scheme = dest.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = dest.find_first_of("/:?#", start);
    std::string host = dest.substr(start, end == std::string::npos ? std::string::npos
                                                                    : end - start);
    size_t at = host.rfind('@');  // user:pass@host
    return at == std::string::npos ? host : host.substr(at + 1);
  }
  bool hostlike = dest.find('.') != std::string::npos &&
                  dest.find_first_of("/ \t") == std::string::npos;
  return hostlike ? dest : "";
}

// Whether the user's transfer went ahead: a block never does, an allow always does, a warning
// depends on the user's answer (unknown until they give one).
std::string Outcome(const Incident& inc) {
  if (inc.action == "block") return "failure";
  if (inc.action == "allow") return "success";
  if (inc.decision == "continue") return "success";
  if (inc.decision == "cancel") return "failure";
  return "unknown";
}

json EcsDocument(const Incident& inc, const std::string& row_hash) {
  json doc;
  doc["@timestamp"] = inc.time;
  doc["ecs"]["version"] = "8.11.0";
  json& ev = doc["event"];
  ev["kind"] = "alert";
  ev["category"] = json::array({"intrusion_detection"});
  ev["type"] = json::array({inc.action == "block" ? "denied"
                            : inc.action == "allow" ? "allowed" : "info"});
  ev["action"] = inc.action;
  ev["outcome"] = Outcome(inc);
  ev["id"] = std::to_string(inc.id);
  ev["hash"] = row_hash;
  ev["dataset"] = "dlp.incident";
  ev["provider"] = "dlp-agentd";

  doc["rule"]["id"] = inc.rules;
  size_t space = inc.bundle.rfind(' ');
  if (space != std::string::npos) {
    doc["rule"]["ruleset"] = inc.bundle.substr(0, space);
    doc["rule"]["version"] = inc.bundle.substr(space + 1);
  } else if (!inc.bundle.empty()) {
    doc["rule"]["ruleset"] = inc.bundle;
  }
  doc["user"]["id"] = std::to_string(inc.uid);
  if (!inc.user.empty()) doc["user"]["name"] = inc.user;
  if (!inc.host.empty()) doc["host"]["name"] = inc.host;
  if (inc.destination.find("://") != std::string::npos) doc["url"]["original"] = inc.destination;
  std::string domain = DestinationDomain(inc.destination);
  if (!domain.empty()) doc["destination"]["domain"] = domain;

  json& dlp = doc["dlp"];
  dlp["channel"] = inc.channel;
  dlp["group"] = inc.group;
  dlp["destination"] = inc.destination;
  dlp["types"] = inc.types;
  dlp["count"] = inc.count;
  dlp["masked"] = inc.masked;
  dlp["fingerprint"] = inc.fingerprint;
  dlp["bundle"] = inc.bundle;
  dlp["decision"] = inc.decision;
  dlp["justification"] = inc.justification;
  if (!inc.decided_at.empty()) dlp["decided_at"] = inc.decided_at;

  std::string types;
  for (const auto& t : inc.types) types += (types.empty() ? "" : ", ") + t;
  doc["message"] = inc.action + " " + inc.channel + " to " + inc.destination +
                   (types.empty() ? "" : ": " + types) + " (" + std::to_string(inc.count) +
                   (inc.count == 1 ? " match)" : " matches)");
  return doc;
}

}  // namespace

Status AuditLog::ExportNdjson(std::ostream& out, int64_t after_id) {
  sqlite3* db = nullptr;
  Status s = internal::OpenReader(db_path_, &db);
  if (!s.ok()) return s;
  // One read transaction: a consistent snapshot, without holding the writer's mutex.
  s = internal::Exec(db, "BEGIN");
  if (s.ok()) {
    internal::Stmt st(db, ("SELECT " + internal::EventColumns("i") + ", " +
                           internal::EventColumns("d") +
                           " FROM events i LEFT JOIN events d ON d.kind = 'decision' AND "
                           "d.incident_id = i.seq WHERE i.kind = 'incident' AND i.seq > ?1 "
                           "ORDER BY i.seq").c_str());
    st.Bind(1, after_id);
    int rc = SQLITE_DONE;
    while (s.ok() && (rc = st.Step()) == SQLITE_ROW) {
      internal::EventRow inc = internal::ReadEventRow(st, 0);
      internal::EventRow dec = internal::ReadEventRow(st, 21);
      Incident view = internal::ToIncident(inc, dec.seq != 0 ? &dec : nullptr);
      // replace: a stored invalid UTF-8 byte is exported mended instead of throwing.
      out << EcsDocument(view, inc.hash).dump(-1, ' ', false, json::error_handler_t::replace)
          << '\n';
      if (!out) s = Status::IOError("audit export: writing the output failed");
    }
    if (s.ok() && rc != SQLITE_DONE) s = internal::SqlStatus(db, rc, "audit export");
  }
  sqlite3_close_v2(db);
  return s;
}

Status AuditLog::Decisions(int64_t after_seq, size_t max, std::vector<DecisionRow>* out) {
  out->clear();
  sqlite3* db = nullptr;
  Status s = internal::OpenReader(db_path_, &db);
  if (!s.ok()) return s;
  {
    internal::Stmt st(db, ("SELECT " + internal::EventColumns("d") + ", i.user_name, i.host_name" +
                           " FROM events d LEFT JOIN events i ON i.seq = d.incident_id AND"
                           " i.kind = 'incident' WHERE d.kind = 'decision' AND d.seq > ?1"
                           " ORDER BY d.seq LIMIT ?2").c_str());
    st.Bind(1, after_seq);
    st.Bind(2, static_cast<int64_t>(max));
    int rc = SQLITE_DONE;
    while ((rc = st.Step()) == SQLITE_ROW) {
      internal::EventRow d = internal::ReadEventRow(st, 0);
      DecisionRow row;
      row.seq = d.seq;
      row.incident_id = d.incident_id;
      row.time = d.time;
      row.uid = static_cast<uint32_t>(d.uid);
      row.user = st.Text(21);
      row.host = st.Text(22);
      row.decision = d.decision;
      row.justification = d.justification;
      row.hash = d.hash;
      out->push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) s = internal::SqlStatus(db, rc, "reading decisions");
  }
  sqlite3_close_v2(db);
  return s;
}

}  // namespace dlp::audit
