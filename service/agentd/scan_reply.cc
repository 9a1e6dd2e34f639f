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

void WriteScanReply(const ScanReply& r, std::string* out) {
  using ipc::AppendJsonString;
  // Keys in the order nlohmann::json keeps them (sorted), so the bytes are dump()'s.
  size_t guess = 400 + r.findings.size() * 200 + (r.redacted ? r.redacted->size() + 16 : 0);
  out->reserve(out->size() + guess);
  out->append("{\"action\":");
  AppendJsonString(out, r.action);
  out->append(",\"bundle\":{\"name\":");
  AppendJsonString(out, r.bundle_name);
  out->append(",\"version\":");
  ipc::AppendJsonUint(out, r.bundle_version);
  out->append("},\"findings\":[");
  bool first = true;
  for (const auto& f : r.findings) {
    out->append(first ? "{\"end\":" : ",{\"end\":");
    first = false;
    ipc::AppendJsonUint(out, f.end);
    out->append(",\"masked\":");
    AppendJsonString(out, f.masked);
    out->append(",\"name_en\":");
    AppendJsonString(out, f.name_en);
    out->append(",\"name_vi\":");
    AppendJsonString(out, f.name_vi);
    out->append(",\"rule\":");
    AppendJsonString(out, f.rule);
    out->append(",\"severity\":");
    AppendJsonString(out, f.severity);
    out->append(",\"start\":");
    ipc::AppendJsonUint(out, f.start);
    out->append(",\"type\":");
    AppendJsonString(out, f.type);
    out->push_back('}');
  }
  out->append("],\"group\":");
  AppendJsonString(out, r.group);
  out->append(",\"id\":");
  ipc::AppendJsonValue(out, r.id);
  if (r.incident) {
    out->append(",\"incident\":");
    ipc::AppendJsonInt(out, *r.incident);
  }
  out->append(",\"justifying\":[");
  for (size_t i = 0; i < r.justifying.size(); ++i) {
    if (i) out->push_back(',');
    ipc::AppendJsonUint(out, r.justifying[i]);
  }
  out->append("],\"may_override\":");
  ipc::AppendJsonBool(out, r.may_override);
  out->append(",\"message\":{\"en\":");
  AppendJsonString(out, r.message_en);
  out->append(",\"vi\":");
  AppendJsonString(out, r.message_vi);
  out->append("},\"needs_justification\":");
  ipc::AppendJsonBool(out, r.needs_justification);
  out->append(",\"ok\":true");
  if (r.redacted) {
    out->append(",\"redacted\":");
    AppendJsonString(out, *r.redacted);
  }
  out->append(",\"v\":1}");
}

}  // namespace dlp::agentd
