#include "agentd/scan_reply.h"

#include "ipc/json_write.h"

namespace dlp::agentd {

using nlohmann::json;

json ScanReplyJson(const ScanReply& r) {
  json findings = json::array();
  for (const auto& f : r.findings)
    findings.push_back({{"rule", f.rule}, {"type", f.type}, {"severity", f.severity},
                        {"start", f.start}, {"end", f.end}, {"masked", f.masked},
                        {"name_vi", f.name_vi}, {"name_en", f.name_en}});
  json reply = {{"ok", true}, {"action", r.action}, {"group", r.group},
                {"findings", std::move(findings)}, {"justifying", r.justifying},
                {"message", {{"vi", r.message_vi}, {"en", r.message_en}}},
                {"may_override", r.may_override},
                {"needs_justification", r.needs_justification},
                {"bundle", {{"name", r.bundle_name}, {"version", r.bundle_version}}},
                {"v", 1}, {"id", r.id}};
  if (r.incident) reply["incident"] = *r.incident;
  if (r.redacted) reply["redacted"] = *r.redacted;
  return reply;
}

namespace {

// Each appends `lead` (punctuation and a key, such as ",\"masked\":") and then the value.
void Str(std::string* out, std::string_view lead, std::string_view v) {
  out->append(lead);
  ipc::AppendJsonString(out, v);
}
void Uint(std::string* out, std::string_view lead, uint64_t v) {
  out->append(lead);
  ipc::AppendJsonUint(out, v);
}
void Bool(std::string* out, std::string_view lead, bool v) {
  out->append(lead);
  ipc::AppendJsonBool(out, v);
}

}  // namespace

void WriteScanReply(const ScanReply& r, std::string* out) {
  // Keys in the order nlohmann::json keeps them (sorted), so the bytes are dump()'s.
  size_t guess = 400 + r.findings.size() * 200 + (r.redacted ? r.redacted->size() + 16 : 0);
  out->reserve(out->size() + guess);
  Str(out, "{\"action\":", r.action);
  Str(out, ",\"bundle\":{\"name\":", r.bundle_name);
  Uint(out, ",\"version\":", r.bundle_version);
  out->append("},\"findings\":[");
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const ScanReplyFinding& f = r.findings[i];
    Uint(out, i ? ",{\"end\":" : "{\"end\":", f.end);
    Str(out, ",\"masked\":", f.masked);
    Str(out, ",\"name_en\":", f.name_en);
    Str(out, ",\"name_vi\":", f.name_vi);
    Str(out, ",\"rule\":", f.rule);
    Str(out, ",\"severity\":", f.severity);
    Uint(out, ",\"start\":", f.start);
    Str(out, ",\"type\":", f.type);
    out->push_back('}');
  }
  Str(out, "],\"group\":", r.group);
  out->append(",\"id\":");
  ipc::AppendJsonValue(out, r.id);
  if (r.incident) {
    out->append(",\"incident\":");
    ipc::AppendJsonInt(out, *r.incident);
  }
  out->append(",\"justifying\":[");
  for (size_t i = 0; i < r.justifying.size(); ++i) Uint(out, i ? "," : "", r.justifying[i]);
  Bool(out, "],\"may_override\":", r.may_override);
  Str(out, ",\"message\":{\"en\":", r.message_en);
  Str(out, ",\"vi\":", r.message_vi);
  Bool(out, "},\"needs_justification\":", r.needs_justification);
  out->append(",\"ok\":true");
  if (r.redacted) Str(out, ",\"redacted\":", *r.redacted);
  out->append(",\"v\":1}");
}

}  // namespace dlp::agentd
