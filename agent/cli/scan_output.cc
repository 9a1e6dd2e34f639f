#include "scan_output.h"

#include <algorithm>

namespace dlp::cli {
namespace {

const Rule* FindRule(const RulePack& pack, const std::string& id) {
  for (const auto& r : pack.rules)
    if (r.id == id) return &r;
  return nullptr;
}

const AggregateRule* FindAggregate(const RulePack& pack, const std::string& id) {
  for (const auto& a : pack.aggregates)
    if (a.id == id) return &a;
  return nullptr;
}

// Name and explanation of the rule behind a finding, in the asked language.
std::pair<std::string, std::string> Describe(const RulePack& pack, const std::string& id,
                                             const std::string& lang) {
  bool vi = lang != "en";
  if (const Rule* r = FindRule(pack, id))
    return vi ? std::pair{r->name_vi, r->explanation_vi} : std::pair{r->name_en, r->explanation_en};
  if (const AggregateRule* a = FindAggregate(pack, id))
    return vi ? std::pair{a->name_vi, a->explanation_vi} : std::pair{a->name_en, a->explanation_en};
  return {id, ""};
}

std::string Headline(Action a, const std::string& lang) {
  bool vi = lang != "en";
  switch (a) {
    case Action::kBlock: return vi ? "CHẶN (block)" : "BLOCK";
    case Action::kWarn: return vi ? "CẢNH BÁO (warn)" : "WARN";
    case Action::kAllow: break;
  }
  return vi ? "CHO PHÉP (allow)" : "ALLOW";
}

}  // namespace

void LineIndex::Add(std::string_view chunk) {
  for (size_t i = 0; i < chunk.size() && !capped_; ++i) {
    if (chunk[i] != '\n') continue;
    if (newlines_.size() >= kMaxLines) { capped_ = true; break; }
    newlines_.push_back(seen_ + i);
  }
  seen_ += chunk.size();
}

std::pair<uint64_t, uint64_t> LineIndex::Locate(uint64_t offset) const {
  auto it = std::lower_bound(newlines_.begin(), newlines_.end(), offset);
  if (capped_ && it == newlines_.end()) return {0, 0};
  uint64_t line = static_cast<uint64_t>(it - newlines_.begin()) + 1;
  uint64_t line_start = it == newlines_.begin() ? 0 : *(it - 1) + 1;
  return {line, offset - line_start + 1};
}

nlohmann::json FindingJson(const Finding& f) {
  return {{"rule", f.rule_id},
          {"type", f.type},
          {"severity", std::string(SeverityName(f.severity))},
          {"start", f.start},
          {"end", f.end},
          {"masked", f.masked}};
}

nlohmann::json ResultJson(const std::string& source, const ScanResult& r, const RulePack& pack) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings) {
    nlohmann::json j = FindingJson(f);
    j["confidence"] = f.confidence;
    auto [name, why] = Describe(pack, f.rule_id, "vi");
    j["name_vi"] = name;
    j["name_en"] = Describe(pack, f.rule_id, "en").first;
    findings.push_back(std::move(j));
  }
  return {{"source", source},
          {"action", std::string(ActionName(r.action))},
          {"destination_group", r.group},
          {"pack", pack.name + " " + pack.version},
          {"bytes", r.bytes_scanned},
          {"findings", std::move(findings)},
          {"justifying", r.justifying},
          {"findings_dropped", r.findings_dropped}};
}

void WriteTextReport(std::ostream& out, const std::string& source, const ScanResult& r,
                     const RulePack& pack, const LineIndex& lines, const std::string& lang) {
  bool vi = lang != "en";
  out << source << ": " << Headline(r.action, lang) << "  ["
      << (vi ? "đích: " : "destination: ") << r.group << ", " << r.bytes_scanned << " bytes, "
      << r.findings.size() << (vi ? " phát hiện" : " findings") << "]\n";
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    bool justifies = std::find(r.justifying.begin(), r.justifying.end(), i) != r.justifying.end();
    auto [line, col] = lines.Locate(f.start);
    auto [name, why] = Describe(pack, f.rule_id, lang);
    out << (justifies ? "  * " : "    ") << "[" << SeverityName(f.severity) << "] " << f.type
        << "  " << name << "\n";
    out << "      ";
    if (line > 0) out << (vi ? "dòng " : "line ") << line << ":" << col << ", ";
    out << "bytes " << f.start << "-" << f.end << "  \"" << f.masked << "\"  (" << f.rule_id
        << ")\n";
    if (justifies && !why.empty()) out << "      " << why << "\n";
  }
  if (r.findings_dropped)
    out << "    ... " << r.findings_dropped << (vi ? " phát hiện khác không liệt kê\n"
                                                    : " more findings not listed\n");
}

}  // namespace dlp::cli
