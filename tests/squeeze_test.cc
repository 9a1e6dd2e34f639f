// The squeezed loose view (agent/src/squeeze.h): which patterns may move there, how ends map
// back, and that an engine using it finds exactly what an engine without it finds.
#include "squeeze.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "dlp/default_pack.h"
#include "dlp/engine.h"

namespace dlp {
namespace {

std::string Squeezed(const std::string& pattern) {
  std::string out;
  return internal::SqueezePattern(pattern, &out) ? out : "<stays loose>";
}

TEST_CASE("keyword gaps are dropped so keywords become literals", "[squeeze]") {
  CHECK(Squeezed(R"(chan\s{1,4}doan)") == "chandoan");
  CHECK(Squeezed(R"(T\s{0,4}O\s{0,4}I\s{0,4}M\s{0,4}A\s{0,4}T)") == "TOIMAT");
  CHECK(Squeezed(R"(ph\xC3\xA1t\s+tu)") == R"(ph\xC3\xA1ttu)");
  CHECK(Squeezed(R"(Do\s{1,3}khan\s{0,3}[:|=-]\s{0,8}(?:Hoa\s{1,3}toc|Khan))") ==
        "Dokhan[:|=-](?:Hoatoc|Khan)");
  CHECK(Squeezed(R"((?:\s{1,3}[a-z0-9]{1,12}){0,5}\s{0,3}[:=]\s{0,3}\S{0,32}[0-9])") ==
        R"((?:[a-z0-9]{1,12}){0,5}[:=]\S{0,32}[0-9])");
  CHECK(Squeezed(R"(B\s{0,2}S\s{0,3}[:.]?\s{0,3}[0-9]{1,4})") == "BS[:.]?[0-9]{1,4}");
}

TEST_CASE("patterns that could lose a match when squeezed stay on the loose view", "[squeeze]") {
  // Nothing to drop: the loose view is as good.
  CHECK(Squeezed("abc") == "<stays loose>");
  CHECK(Squeezed(R"([0-9]{1,5}/[A-Z]{2})") == "<stays loose>");
  // A match could end in whitespace, which squeezing removes.
  CHECK(Squeezed(R"(abc\s{0,3})") == "<stays loose>");
  CHECK(Squeezed(R"(a\s{1,3}b?)") == "<stays loose>");
  CHECK(Squeezed(R"(x\s{0,2}(?:a|b?))") == "<stays loose>");
  CHECK(Squeezed(R"(x\s{0,2}(?:ab)?)") == "<stays loose>");
  CHECK(Squeezed(R"((?:a\s)+b)") == "<stays loose>");
  // Something else can match whitespace: a literal space, '.', classes, escapes.
  CHECK(Squeezed(R"(a b\s+c)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s.b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s[^x]b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s[ -~]b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s\x20b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s\tb)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s\Wb)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s[[:alpha:]]b)") == "<stays loose>");
  // Anchors, look-arounds, flags, and branches that would become empty.
  CHECK(Squeezed(R"(^a\sb)") == "<stays loose>");
  CHECK(Squeezed(R"(a\sb$)") == "<stays loose>");
  CHECK(Squeezed(R"((?i)a\sb)") == "<stays loose>");
  CHECK(Squeezed(R"((?:a|\s)b)") == "<stays loose>");
  // Malformed input is left for Hyperscan to report on the loose view.
  CHECK(Squeezed(R"(a\s(b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s[bc)") == "<stays loose>");
}

TEST_CASE("a squeezed end maps back to the loose byte it came from", "[squeeze]") {
  internal::SqueezedChunk chunk;
  chunk.Build("ab  c\td\n\ne ");
  CHECK(chunk.text() == "abcde");
  CHECK(chunk.LooseEnd(1) == 1);
  CHECK(chunk.LooseEnd(2) == 2);
  CHECK(chunk.LooseEnd(3) == 5);
  CHECK(chunk.LooseEnd(4) == 7);
  CHECK(chunk.LooseEnd(5) == 10);

  // Long runs of whitespace and whole blocks of it, against a direct count.
  std::mt19937 rng(7);
  std::string loose;
  std::vector<size_t> ends;  // loose end of each kept byte
  for (int i = 0; i < 20000; ++i) {
    int run = rng() % 10 == 0 ? static_cast<int>(rng() % 300) : static_cast<int>(rng() % 2);
    loose.append(static_cast<size_t>(run), " \t\n\r"[rng() % 4]);
    loose.push_back(static_cast<char>('a' + rng() % 26));
    ends.push_back(loose.size());
  }
  chunk.Build(loose);
  REQUIRE(chunk.text().size() == ends.size());
  for (size_t q = 0; q < ends.size(); ++q) REQUIRE(chunk.LooseEnd(q + 1) == ends[q]);
}

std::unique_ptr<Engine> DefaultEngine(bool squeeze) {
  RulePack pack;
  REQUIRE(LoadDefaultPack(&pack).ok());
  EngineOptions o;
  o.squeeze_keywords = squeeze;
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

// Keywords and stamps from the default pack, written the ways people and obfuscators write
// them, among ordinary prose, numbers and names.
std::string RandomText(std::mt19937& rng, size_t bytes) {
  static const std::vector<std::string> words = {
      "Bệnh nhân", "Nguyễn Văn An", "chẩn đoán", "ung thư", "viêm gan B", "tiền án", "phạt tù",
      "phạt 3 năm tù", "theo đạo", "Công giáo", "vị trí GPS", "TỐI MẬT", "TUYỆT MẬT", "MẬT", "mật",
      "HỎA TỐC", "KHẨN", "THƯỢNG KHẨN", "TÀI LIỆU THU HỒI", "Độ mật:", "Độ khẩn: Hỏa tốc",
      "Bản sao số: 3", "mật khẩu là", "Abc@12345", "password=", "secret_key: ", "Số 12-QĐ/TW",
      "0912345678", "ông", "bà", "Họ và tên:", "trong", "báo cáo", "tình hình", "năm 2026",
      "T Ố I  M Ậ T", "K H Ẩ N", "c h ẩ n đoán", "chẩn\u00A0đoán", "chẩn\u200Bđoán", "Ung  Thư",
      "\"do_mat\": \"TOI MAT\"", "<do_mat>MAT</do_mat>", "so", "do", "khan", "an", "tich"};
  static const std::vector<std::string> gaps = {" ", " ", " ", "  ", "\t", "\n", "\n\n",
                                                " \n ", "\r\n", "     ", ""};
  std::string s;
  while (s.size() < bytes) {
    s += words[rng() % words.size()];
    s += gaps[rng() % gaps.size()];
  }
  return s;
}

TEST_CASE("squeezing keywords changes no finding", "[squeeze][engine]") {
  auto plain = DefaultEngine(false), squeezed = DefaultEngine(true);
  REQUIRE(squeezed->stats().squeezed_patterns > 50);  // the keyword rules did move
  REQUIRE(plain->stats().squeezed_patterns == 0);
  std::mt19937 rng(2026);
  ScanOptions so;
  so.current_year = 2026;
  for (int i = 0; i < 150; ++i) {
    std::string text = RandomText(rng, 200 + rng() % 6000);
    ScanResult a, b;
    REQUIRE(plain->Scan(text, so, &a).ok());
    REQUIRE(squeezed->Scan(text, so, &b).ok());
    RequireSameResult(a, b);
  }
}

TEST_CASE("squeezed matches across chunk boundaries are found and placed exactly",
          "[squeeze][engine][stream]") {
  auto plain = DefaultEngine(false), squeezed = DefaultEngine(true);
  std::mt19937 rng(84);
  // Several of the session's 128 KiB chunks, fed in odd pieces.
  std::string text = RandomText(rng, 700 * 1024);
  ScanOptions so;
  so.current_year = 2026;
  so.max_findings = 1u << 20;
  ScanResult a, b;
  REQUIRE(plain->Scan(text, so, &a).ok());
  auto session = squeezed->NewSession(so);
  for (size_t pos = 0; pos < text.size();) {
    size_t n = std::min(text.size() - pos, static_cast<size_t>(1 + rng() % 70000));
    REQUIRE(session->Feed(std::string_view(text).substr(pos, n)).ok());
    pos += n;
  }
  REQUIRE(session->Finish(&b).ok());
  REQUIRE(a.findings.size() > 1000);
  RequireSameResult(a, b);
}

}  // namespace
}  // namespace dlp
