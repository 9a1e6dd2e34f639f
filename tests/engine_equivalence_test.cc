// The engine's speed-ups must not change a single finding: keyword patterns found as literals
// on the squeezed loose view (EngineOptions::squeeze_keywords), starts found by backward scans
// (EngineOptions::reverse_confirm), rules searched only around their required phrases
// (EngineOptions::gate_required_context) and number rules' candidates dropped without a
// required phrase in reach (EngineOptions::index_required_phrases), against the plain engine
// (loose view only, start-of-match tracking, forward anchored scans, every pattern everywhere),
// on texts built to hit every rule and its edges.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "dlp/default_pack.h"
#include "dlp/engine.h"
#include "dlp/rule_pack.h"

namespace dlp {
namespace {

std::unique_ptr<Engine> MakeEngine(bool squeeze, bool reverse, bool gate, bool index) {
  RulePack pack;
  REQUIRE(LoadDefaultPack(&pack).ok());
  EngineOptions o;
  o.squeeze_keywords = squeeze;
  o.reverse_confirm = reverse;
  o.gate_required_context = gate;
  o.index_required_phrases = index;
  std::unique_ptr<Engine> e;
  REQUIRE(Engine::Create(std::move(pack), o, &e).ok());
  return e;
}

void RequireSameResult(const ScanResult& a, const ScanResult& b) {
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    INFO("finding " << i << ": " << a.findings[i].rule_id << " vs " << b.findings[i].rule_id);
    REQUIRE(a.findings[i].rule_id == b.findings[i].rule_id);
    REQUIRE(a.findings[i].start == b.findings[i].start);
    REQUIRE(a.findings[i].end == b.findings[i].end);
    REQUIRE(a.findings[i].masked == b.findings[i].masked);
    REQUIRE(a.findings[i].confidence == b.findings[i].confidence);
  }
  REQUIRE(a.action == b.action);
  REQUIRE(a.type_counts == b.type_counts);
}

// A synthetic identifier-ish run of digits with the separators people use.
std::string Digits(std::mt19937& rng) {
  std::string s;
  const int n = 6 + static_cast<int>(rng() % 14);
  for (int i = 0; i < n; ++i) {
    s += static_cast<char>('0' + rng() % 10);
    if (rng() % 5 == 0) s += " .-"[rng() % 3];
  }
  return s;
}

// Keywords, stamps, identifiers, addresses and credentials written the ways people and
// obfuscators write them, among ordinary prose.
std::string RandomText(std::mt19937& rng, size_t bytes) {
  static const std::vector<std::string> words = {
      "Bệnh nhân", "Nguyễn Văn An", "chẩn đoán", "ung thư", "viêm gan B", "tiền án", "phạt tù",
      "phạt 3 năm tù", "theo đạo", "Công giáo", "vị trí GPS", "TỐI MẬT", "TUYỆT MẬT", "MẬT", "mật",
      "HỎA TỐC", "KHẨN", "THƯỢNG KHẨN", "TÀI LIỆU THU HỒI", "Độ mật:", "Độ khẩn: Hỏa tốc",
      "Bản sao số: 3", "mật khẩu là", "Abc@12345", "password=", "secret_key: ", "Số 12-QĐ/TW",
      "ông", "bà", "Họ và tên:", "trong", "báo cáo", "tình hình", "năm 2026", "CCCD", "số",
      "T Ố I  M Ậ T", "K H Ẩ N", "Mật", "mẬt", "m ậ T", "Khẩn", "kHẨN", "Hỏa tốc", "hỎA tốc",
      "c h ẩ n đoán", "chẩn\u00A0đoán", "chẩn\u200Bđoán", "Ung  Thư",
      "\"do_mat\": \"TOI MAT\"", "<do_mat>MAT</do_mat>", "so", "do", "khan", "an", "tich",
      "cb500@snv.example.gov.vn", "\"tran binh\"@example.com", "a@b", "@@x.vn", "thư: x.y+z@ví.dụ",
      // Addresses side by side (a contact list), touching, and with domains longer than a
      // backward scan of a run of ends covers (kRunSkip): runs of ends of every shape.
      "cb1@snv.example.gov.vn, cb2@snv.example.gov.vn;cb3@snv.example.gov.vn",
      "nguyen.van.an@so-ke-hoach-va-dau-tu.tinh-mau-bac.example.gov.vn", "a@b.c@d.e@f.vn",
      "x.y@z.vn,x.y@z.vn x.y@z.vn", "lien.he@ubnd.example.gov.vn.", "@ubnd.example.vn",
      "https://user:pa55word@host.example/p", "0912 345 678", "(024) 3825 1234", "+84 912345678",
      "45/2024/NĐ-CP", "12/QĐ-UBND", "AKIAABCDEFGHIJKLMNOP", "VN12 3456 7890 1234 5678",
      "B1234567", "HS 4 01 234 567 8901", "29A-123.45", "\"do_khan\": {\"x\": \"Khan\"}",
      // Required phrases of the require_first rules, and values they vouch for.
      "CMND", "số CMND:", "chứng minh nhân dân", "CMT", "Hộ chiếu số:", "passport", "HC:", "số hc",
      "BHXH", "Mã số BHXH:", "bảo hiểm xã hội", "số sổ", "Mật khẩu", "mật khẩu khởi tạo", "pass",
      "C1234567", "N 2345678", "024567891", "0123456781", "UNE@uqzdii7", "Abc#123",
      // Bank accounts: numbers a required phrase vouches for before or after them, or not.
      "STK", "Số tài khoản:", "tại Ngân hàng", "Vietcombank", "tk số", "Kho bạc", "ACB",
      "9527.1.1000882", "mã giao dịch", "0451000123456", "1201 0000 1234 56"};
  static const std::vector<std::string> gaps = {" ", " ", " ", "  ", "\t", "\n", "\n\n",
                                                " \n ", "\r\n", "     ", "", ", ", ". "};
  std::string s;
  while (s.size() < bytes) {
    s += rng() % 6 == 0 ? Digits(rng) : words[rng() % words.size()];
    s += gaps[rng() % gaps.size()];
  }
  return s;
}

TEST_CASE("the fast confirm paths change no finding", "[engine][equivalence]") {
  auto plain = MakeEngine(false, false, false, false), fast = MakeEngine(true, true, true, true);
  // Squeezed hits with forward confirms: anchored rules fall back to one run per end.
  auto squeeze_only = MakeEngine(true, false, false, false);
  auto reverse_only = MakeEngine(false, true, false, false);
  auto gate_only = MakeEngine(false, false, true, false);
  auto index_only = MakeEngine(true, false, false, true);  // indexing needs the squeezed view
  REQUIRE(fast->stats().squeezed_patterns > 50);  // the keyword rules did move
  REQUIRE(plain->stats().squeezed_patterns == 0);
  REQUIRE(fast->stats().phrase_indexed_rules >= 1);  // the bank account rule
  REQUIRE(squeeze_only->stats().phrase_indexed_rules == 0);
  std::mt19937 rng(2026);
  ScanOptions so;
  so.current_year = 2026;
  size_t findings = 0;
  std::map<std::string, size_t> gated_findings;  // of the require_first rules
  size_t indexed_findings = 0;                    // of the rule whose phrases are indexed
  for (int i = 0; i < 200; ++i) {
    std::string text = RandomText(rng, 200 + rng() % 6000);
    ScanResult a, b;
    REQUIRE(plain->Scan(text, so, &a).ok());
    REQUIRE(fast->Scan(text, so, &b).ok());
    RequireSameResult(a, b);
    REQUIRE(squeeze_only->Scan(text, so, &b).ok());
    RequireSameResult(a, b);
    REQUIRE(reverse_only->Scan(text, so, &b).ok());
    RequireSameResult(a, b);
    REQUIRE(gate_only->Scan(text, so, &b).ok());
    RequireSameResult(a, b);
    REQUIRE(index_only->Scan(text, so, &b).ok());
    RequireSameResult(a, b);
    findings += a.findings.size();
    for (const auto& f : a.findings) indexed_findings += f.rule_id == "vn.fin.bank_account";
    for (const auto& f : a.findings)
      for (const Rule& r : fast->pack().rules)
        if (r.id == f.rule_id && r.context.require_first) ++gated_findings[r.id];
  }
  CHECK(findings > 5000);  // the texts did exercise the rules
  // ... and every rule that is searched only around its phrases found something.
  size_t require_first_rules = 0;
  for (const Rule& r : fast->pack().rules) {
    if (!r.context.require_first) continue;
    ++require_first_rules;
    INFO(r.id);
    CHECK(gated_findings[r.id] > 10);
  }
  CHECK(require_first_rules >= 4);
  CHECK(indexed_findings > 10);
}

TEST_CASE("the fast paths agree across chunk boundaries and trimmed windows",
          "[engine][equivalence][stream]") {
  auto plain = MakeEngine(false, false, false, false), fast = MakeEngine(true, true, true, true);
  std::mt19937 rng(84);
  // Several of the session's 128 KiB chunks, fed in odd pieces.
  std::string text = RandomText(rng, 700 * 1024);
  ScanOptions so;
  so.current_year = 2026;
  so.max_findings = 1u << 20;
  ScanResult a, b;
  REQUIRE(plain->Scan(text, so, &a).ok());
  auto session = fast->NewSession(so);
  for (size_t pos = 0; pos < text.size();) {
    size_t n = std::min(text.size() - pos, static_cast<size_t>(1 + rng() % 70000));
    REQUIRE(session->Feed(std::string_view(text).substr(pos, n)).ok());
    pos += n;
  }
  REQUIRE(session->Finish(&b).ok());
  REQUIRE(a.findings.size() > 1000);
  RequireSameResult(a, b);
}

// A rule confirmed with anchored scans (a match can be 200 bytes long) whose run of ends is
// longer than one backward scan of its run database covers (kRunSkip): the leftmost start belongs
// to matches ending only early in the run, so a scan from the run's last end alone would miss it.
TEST_CASE("a long run of ends keeps the start of its earliest matches", "[engine][equivalence]") {
  const std::string policy =
      "format: 1\npolicy:\n  groups:\n    - name: other\n      actions: {info: allow, low: "
      "allow, medium: warn, high: block, critical: block}\n";
  const std::string rules =
      "format: 1\nrules:\n  - id: t.run\n    type: cmnd\n    severity: high\n"
      "    name: {vi: a, en: a}\n    explanation: {vi: b, en: b}\n"
      "    patterns: ['A[b]{1,20}', '[b]{18,200}']\n    examples: [x, y]\n"
      "    negative_examples: [z, w]\n";
  auto make = [&](bool reverse) {
    RulePack pack;
    REQUIRE(LoadPack({{"policy.yaml", policy}, {"t.yaml", rules}}, &pack).ok());
    EngineOptions o;
    o.reverse_confirm = reverse;
    std::unique_ptr<Engine> e;
    REQUIRE(Engine::Create(std::move(pack), o, &e).ok());
    return e;
  };
  auto plain = make(false), fast = make(true);
  ScanOptions so;
  so.destination = "other";
  // Ends run without a gap from "Ab" to the last b: the first 20 are those of 'A[b]{1,20}'
  // (from the A), the rest only of '[b]{18,200}' (from the first b).
  for (int bs : {19, 21, 25, 40, 60}) {
    INFO(bs << " b's");
    const std::string text = "ma A" + std::string(static_cast<size_t>(bs), 'b') + " het";
    ScanResult a, b;
    REQUIRE(plain->Scan(text, so, &a).ok());
    REQUIRE(fast->Scan(text, so, &b).ok());
    REQUIRE_FALSE(a.findings.empty());
    CHECK(a.findings[0].start == 3);  // the A
    RequireSameResult(a, b);
  }
}

}  // namespace
}  // namespace dlp
