// The words a cadre reads when the agent steps in. Vietnamese first: it is the user's language;
// English for administrators and foreign-language interfaces.
#include <algorithm>
#include <cctype>

#include "agentd/handler.h"

namespace dlp::agentd {
std::pair<std::string, std::string> RuleNames(const RulePack& pack, const Finding& f) {
  auto [vi, en] = RuleNameViews(pack, f);
  return {std::string(vi), std::string(en)};
}

std::pair<std::string_view, std::string_view> RuleNameViews(const RulePack& pack, const Finding& f) {
  for (const auto& r : pack.rules)
    if (r.id == f.rule_id) return {r.name_vi, r.name_en};
  for (const auto& a : pack.aggregates)
    if (a.id == f.rule_id) return {a.name_vi, a.name_en};
  return {f.type, f.type};
}

nlohmann::json VerdictMessage(const ScanResult& r, const RulePack& pack) {
  auto [vi, en] = VerdictTexts(r, pack);
  return {{"vi", std::move(vi)}, {"en", std::move(en)}};
}

std::pair<std::string, std::string> VerdictTexts(const ScanResult& r, const RulePack& pack) {
  if (r.action == Action::kAllow || r.justifying.empty())
    return {"Không phát hiện nội dung cần bảo vệ.", "Nothing that needs protection was found."};
  auto [vi, en] = RuleNames(pack, r.findings[r.justifying.front()]);
  size_t more = r.justifying.size() - 1;
  std::string vi_more = more ? " và " + std::to_string(more) + " phát hiện khác" : "";
  std::string en_more = more ? " and " + std::to_string(more) + " more finding(s)" : "";
  if (r.action == Action::kBlock)
    return {"Đã chặn: nội dung có " + vi + vi_more +
                ". Theo quy định, không được đưa thông tin này lên nền tảng AI công cộng.",
            "Blocked: the content contains " + en + en_more +
                ". Policy forbids giving this to a public AI platform."};
  return {"Cảnh báo: nội dung có " + vi + vi_more +
              ". Hãy xác định độ mật trước khi gửi; chỉ tiếp tục nếu chắc chắn được phép và "
              "ghi rõ lý do.",
          "Warning: the content contains " + en + en_more +
              ". Classify it before sending; continue only if you are sure it is allowed, "
              "and give a reason."};
}

nlohmann::json UnscannableMessage(Action action, const std::string& file_name) {
  if (action == Action::kBlock)
    return {{"vi", "Đã chặn tệp \"" + file_name + "\": không đọc được nội dung để kiểm tra, và chính "
                   "sách không cho gửi tệp chưa kiểm tra lên nền tảng này."},
            {"en", "Blocked file \"" + file_name + "\": its content cannot be checked, and policy does "
                   "not allow unchecked files to go to this platform."}};
  if (action == Action::kWarn)
    return {{"vi", "Không kiểm tra được nội dung tệp \"" + file_name + "\". Hãy tự xác định tệp không "
                   "chứa bí mật nhà nước hay dữ liệu cá nhân trước khi gửi, và ghi rõ lý do."},
            {"en", "The content of \"" + file_name + "\" cannot be checked. Make sure it holds no state "
                   "secret or personal data before sending, and give a reason."}};
  return {{"vi", "Tệp được phép gửi."}, {"en", "The file may be sent."}};
}

namespace {

// The placeholder a cadre reads in redacted text: short, in Vietnamese where the type has a
// common abbreviation ("[SĐT]" is what a phone number is called on every form).
std::string Placeholder(const std::string& type) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"phone", "SĐT"}, {"email", "EMAIL"}, {"bank_account", "STK"}, {"credit_card", "SỐ THẺ"},
      {"passport", "HỘ CHIẾU"}, {"license_plate", "BIỂN SỐ"}, {"credential", "MẬT KHẨU/KHÓA"},
      {"secret_marking", "ĐỘ MẬT"}, {"secret_handling_mark", "DẤU MẬT"},
      {"sensitive_personal", "DỮ LIỆU NHẠY CẢM"}, {"vietqr", "MÃ QR"}};
  for (const auto& [t, label] : kLabels)
    if (type == t) return label;
  std::string label = type;  // cccd, cmnd, mst, bhxh, bhyt, iban: already what people call them
  for (char& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return label;
}

}  // namespace

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
    out += "[" + Placeholder(f->type) + "]";
    pos = f->end;
  }
  out.append(text.substr(std::min<uint64_t>(pos, text.size())));
  return out;
}

}  // namespace dlp::agentd
