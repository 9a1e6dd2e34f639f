// The words a cadre reads when the agent steps in. Vietnamese first: it is the user's language;
// English for administrators and foreign-language interfaces.
#include <algorithm>
#include <cctype>

#include "agentd/handler.h"

namespace dlp::agentd {
std::pair<std::string, std::string> RuleNames(const RulePack& pack, const Finding& f) {
  for (const auto& r : pack.rules)
    if (r.id == f.rule_id) return {r.name_vi, r.name_en};
  for (const auto& a : pack.aggregates)
    if (a.id == f.rule_id) return {a.name_vi, a.name_en};
  return {f.type, f.type};
}

nlohmann::json VerdictMessage(const ScanResult& r, const RulePack& pack) {
  if (r.action == Action::kAllow || r.justifying.empty())
    return {{"vi", "Không phát hiện nội dung cần bảo vệ."},
            {"en", "Nothing that needs protection was found."}};
  auto [vi, en] = RuleNames(pack, r.findings[r.justifying.front()]);
  size_t more = r.justifying.size() - 1;
  std::string vi_more = more ? " và " + std::to_string(more) + " phát hiện khác" : "";
  std::string en_more = more ? " and " + std::to_string(more) + " more finding(s)" : "";
  if (r.action == Action::kBlock)
    return {{"vi", "Đã chặn: nội dung có " + vi + vi_more +
                       ". Theo quy định, không được đưa thông tin này lên nền tảng AI công cộng."},
            {"en", "Blocked: the content contains " + en + en_more +
                       ". Policy forbids giving this to a public AI platform."}};
  return {{"vi", "Cảnh báo: nội dung có " + vi + vi_more +
                     ". Hãy xác định độ mật trước khi gửi; chỉ tiếp tục nếu chắc chắn được phép và "
                     "ghi rõ lý do."},
          {"en", "Warning: the content contains " + en + en_more +
                     ". Classify it before sending; continue only if you are sure it is allowed, "
                     "and give a reason."}};
}

std::string Redact(std::string_view text, const ScanResult& r) {
  std::vector<const Finding*> spans;
  for (const auto& f : r.findings)
    if (f.severity != Severity::kInfo && f.type != "bulk_personal" && f.end <= text.size())
      spans.push_back(&f);
  std::sort(spans.begin(), spans.end(), [](auto* a, auto* b) { return a->start < b->start; });
  std::string out;
  uint64_t pos = 0;
  for (const Finding* f : spans) {
    if (f->start < pos) {  // overlaps the previous replacement: hide its tail too
      pos = std::max(pos, f->end);
      continue;
    }
    out.append(text.substr(pos, f->start - pos));
    std::string label = f->type;
    for (char& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += "[" + label + "]";
    pos = f->end;
  }
  out.append(text.substr(std::min<uint64_t>(pos, text.size())));
  return out;
}

}  // namespace dlp::agentd
