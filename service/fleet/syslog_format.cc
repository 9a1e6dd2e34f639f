#include "fleet/syslog_format.h"

namespace dlp::fleet {
namespace {

using nlohmann::json;

constexpr int kFacilityLogAudit = 13;
constexpr size_t kMaxMasked = 2048;  // keeps a message well under a collector's 8 KiB default

// A header field (HOSTNAME, APP-NAME...): printable US-ASCII without spaces, or "-".
std::string HeaderToken(const std::string& s, size_t max) {
  std::string out;
  for (char c : s)
    if (c > 32 && c < 127 && out.size() < max) out.push_back(c);
  return out.empty() ? "-" : out;
}

std::string Str(const json& j, const char* a, const char* b = nullptr) {
  const json* p = &j;
  for (const char* k : {a, b}) {
    if (!k) break;
    if (!p->is_object() || !p->contains(k)) return "";
    p = &(*p)[k];
  }
  if (p->is_string()) return p->get<std::string>();
  if (p->is_number()) return p->dump();
  if (p->is_array()) {
    std::string out;
    for (const auto& e : *p)
      if (e.is_string()) out += (out.empty() ? "" : ",") + e.get<std::string>();
    return out;
  }
  return "";
}

int Severity(const std::string& action) {
  if (action == "block") return 4;  // warning
  if (action == "warn") return 5;   // notice
  return 6;                         // informational
}

// MSG text: one line (control characters become spaces).
std::string OneLine(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 32 || c == 127) c = ' ';
  return out;
}

}  // namespace

std::string EscapeSdValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c < 32 || c == 127 ? ' ' : static_cast<char>(c));
  }
  return out;
}

std::string StableId(const json& ecs, const std::string& log_id) {
  return HeaderToken(Str(ecs, "host", "name"), 255) + "/" + log_id + "/" + Str(ecs, "event", "id");
}

std::string FormatIncident(const json& ecs, const std::string& log_id, int pid,
                           SyslogFormat format) {
  const std::string action = Str(ecs, "event", "action");
  const std::string id = StableId(ecs, log_id);
  std::string msg = "<" + std::to_string(kFacilityLogAudit * 8 + Severity(action)) + ">1 " +
                    HeaderToken(Str(ecs, "@timestamp"), 64) + " " +
                    HeaderToken(Str(ecs, "host", "name"), 255) + " dlp-agentd " +
                    std::to_string(pid) + " incident ";
  auto param = [&](const char* name, std::string value) {
    msg += std::string(" ") + name + "=\"" + EscapeSdValue(value) + "\"";
  };
  msg += "[dlp@32473";
  param("id", id);
  param("incident", Str(ecs, "event", "id"));
  param("action", action);
  if (format == SyslogFormat::kEcs) {
    json doc = ecs;
    doc["event"]["id"] = id;
    doc["dlp"]["incident"] = Str(ecs, "event", "id");
    if (doc["dlp"].contains("justification")) doc["dlp"].erase("justification");
    return msg + "] " + doc.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  std::string masked = Str(ecs, "dlp", "masked");
  if (masked.size() > kMaxMasked) {
    masked.resize(kMaxMasked);
    while (!masked.empty() && (static_cast<unsigned char>(masked.back()) & 0xC0) == 0x80)
      masked.pop_back();  // do not cut a UTF-8 sequence in half
    if (!masked.empty() && static_cast<unsigned char>(masked.back()) >= 0xC0) masked.pop_back();
    masked += "...";
  }
  param("channel", Str(ecs, "dlp", "channel"));
  param("destination", Str(ecs, "dlp", "destination"));
  param("group", Str(ecs, "dlp", "group"));
  param("rules", Str(ecs, "rule", "id"));
  param("types", Str(ecs, "dlp", "types"));
  param("count", Str(ecs, "dlp", "count"));
  param("user", Str(ecs, "user", "name"));
  param("uid", Str(ecs, "user", "id"));
  param("masked", masked);
  param("fingerprint", Str(ecs, "dlp", "fingerprint"));
  param("bundle", Str(ecs, "dlp", "bundle"));
  std::string decision = Str(ecs, "dlp", "decision");
  if (!decision.empty()) param("decision", decision);
  param("hash", Str(ecs, "event", "hash"));
  msg += "] " + OneLine(Str(ecs, "message"));
  return msg;
}

std::string FormatDecision(const DecisionEvent& d, const std::string& log_id, int pid,
                           SyslogFormat format) {
  const std::string host = HeaderToken(d.host, 255);
  const std::string incident = std::to_string(d.incident_id);
  const std::string id = host + "/" + log_id + "/" + incident + "/decision";
  int severity = d.decision == "continue" ? 4 : d.decision == "false_alarm" ? 5 : 6;
  std::string msg = "<" + std::to_string(kFacilityLogAudit * 8 + severity) + ">1 " +
                    HeaderToken(d.time, 64) + " " + host + " dlp-agentd " + std::to_string(pid) +
                    " decision ";
  auto param = [&](const char* name, const std::string& value) {
    msg += std::string(" ") + name + "=\"" + EscapeSdValue(value) + "\"";
  };
  msg += "[dlp@32473";
  param("id", id);
  param("incident", incident);
  param("decision", d.decision);
  const std::string summary =
      d.decision + " on incident " + incident + " by " + (d.user.empty() ? "uid " + std::to_string(d.uid) : d.user) +
      (d.justification_bytes > 0 ? " (reason given, " + std::to_string(d.justification_bytes) + " bytes)"
                                 : " (no reason)");
  if (format == SyslogFormat::kEcs) {
    json doc;
    doc["@timestamp"] = d.time;
    doc["ecs"]["version"] = "8.11.0";
    doc["event"] = {{"kind", "event"}, {"category", json::array({"intrusion_detection"})},
                    {"type", json::array({"change"})}, {"action", d.decision},
                    {"id", id}, {"hash", d.hash}, {"dataset", "dlp.decision"},
                    {"provider", "dlp-agentd"}};
    doc["user"]["id"] = std::to_string(d.uid);
    if (!d.user.empty()) doc["user"]["name"] = d.user;
    if (!d.host.empty()) doc["host"]["name"] = d.host;
    doc["dlp"] = {{"incident", incident}, {"incident_id", host + "/" + log_id + "/" + incident},
                  {"decision", d.decision}, {"justification_bytes", d.justification_bytes}};
    doc["message"] = summary;
    return msg + "] " + doc.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  param("justification_bytes", std::to_string(d.justification_bytes));
  param("user", d.user);
  param("uid", std::to_string(d.uid));
  param("hash", d.hash);
  return msg + "] " + OneLine(summary);
}

std::string OctetCountedFrame(const std::string& message) {
  return std::to_string(message.size()) + " " + message;
}

}  // namespace dlp::fleet
