// RFC 5424 syslog messages for incidents, and their RFC 5425 / RFC 6587 octet-counted frames.
//
// Input is the incident as the audit log exports it (the ECS document of AuditLog::ExportNdjson),
// so the SIEM sees the same field names as an officer's export. Output, for incident 42:
//
//   <108>1 2026-11-22T04:52:12.345Z ws-042 dlp-agentd 812 incident [dlp@32473
//   id="ws-042/5f1c9a0e4b2d7788/42" incident="42" action="block" channel="paste"
//   destination="https://chatgpt.com/c/42" group="public_ai" rules="vn.id.cccd" types="cccd"
//   count="1" user="lan" uid="1000" masked="00********45" fingerprint="..." bundle="..."
//   hash="..."] block paste to https://chatgpt.com/c/42: cccd (1 match)
//
// Facility 13 ("log audit"), severity warning for block, notice for warn, informational for
// allow. "ecs" format: the same header, structured data with id, incident and action only (so
// a collector can drop duplicates without parsing JSON), and the ECS JSON as the message with
// event.id set to the stable id. 32473 is the private enterprise number RFC 5612 reserves for
// documentation; a site with its own number can rewrite the SD-ID at the collector.
//
// Never raw content: the ECS document holds only masked excerpts and keyed fingerprints; the
// user's free-text justification is left out, since a user could type anything into it.
#ifndef DLP_SERVICE_FLEET_SYSLOG_FORMAT_H_
#define DLP_SERVICE_FLEET_SYSLOG_FORMAT_H_

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlp::fleet {

enum class SyslogFormat { kRfc5424, kEcs };

// The collector-side de-duplication key: "<host>/<log id>/<incident id>".
std::string StableId(const nlohmann::json& ecs, const std::string& log_id);

// One RFC 5424 message (no framing) for an incident's ECS document.
std::string FormatIncident(const nlohmann::json& ecs, const std::string& log_id, int pid,
                           SyslogFormat format);

// A decision row of the audit log, as the forwarder needs it.
struct DecisionEvent {
  int64_t seq = 0;           // the decision's own row
  int64_t incident_id = 0;   // the incident it answers
  std::string time;          // RFC 3339 UTC
  uint32_t uid = 0;
  std::string user, host;
  std::string decision;      // cancel | continue | false_alarm
  size_t justification_bytes = 0;  // the length of what the user typed, never the text
  std::string hash;          // the decision row's chain hash
};

// One RFC 5424 message for a decision (MSGID "decision"): facility 13, severity warning for
// continue (the content went out after a warning), notice for false_alarm, informational for
// cancel; structured data id="<the incident's stable id>/decision", incident, decision,
// justification_bytes, user, uid, hash (the decision row's chain hash); the header time is when
// the user decided. "ecs": the same structured data id/incident/decision and an ECS JSON
// document as the message. Never the justification's text.
std::string FormatDecision(const DecisionEvent& d, const std::string& log_id, int pid,
                           SyslogFormat format);

// "<length> <message>" (RFC 5425 section 4.3, RFC 6587 octet counting).
std::string OctetCountedFrame(const std::string& message);

// SD-PARAM value escaping (RFC 5424 section 6.3.3): '"', '\' and ']' get a backslash; control
// characters become spaces so one incident stays one line in any collector's file.
std::string EscapeSdValue(const std::string& value);

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_SYSLOG_FORMAT_H_
