// The engine end to end on the built-in pack: verdicts, byte offsets into the caller's text,
// obfuscation, destinations, aggregates, streaming and bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_util.h"

using dlp::Action;
using dlp::test::kHeader;
using dlp::test::Scan;
using dlp::test::Types;

namespace {

// The original bytes a finding points at.
std::string Span(const std::string& text, const dlp::Finding& f) {
  return text.substr(f.start, f.end - f.start);
}

}  // namespace

TEST_CASE("a stamped document is blocked and the finding points at the stamp", "[engine]") {
  std::string text = kHeader + "TỐI MẬT\nBÁO CÁO\nTình hình quý III";
  auto r = Scan(text);
  CHECK(r.action == Action::kBlock);
  REQUIRE(Types(r).count("secret_marking"));
  for (const auto& f : r.findings)
    if (f.type == "secret_marking") CHECK(Span(text, f) == "TỐI MẬT");
}

TEST_CASE("obfuscated stamps in marking position still block", "[engine][obfuscation]") {
  const char* forms[] = {
      "TOI MAT",                                   // no diacritics
      "toi mat",                                   // lower case, no diacritics
      "T\xE1\xBB\x90I M\xE1\xBA\xACT",             // precomposed, as a control
      "TO\xCC\x82\xCC\x81I MA\xCC\xA3\xCC\x82T",   // NFD
      "T\xE2\x80\x8B\xE1\xBB\x90I\xC2\xAD M\xE1\xBA\xACT",  // zero-width space, soft hyphen
      "T \xE1\xBB\x90 I  M \xE1\xBA\xAC T",        // spaced letters
      "T\xC2\xA0\xE1\xBB\x90\xC2\xA0I\xC2\xA0\xC2\xA0M\xC2\xA0\xE1\xBA\xAC\xC2\xA0T",  // NBSP
      "\xEF\xBC\xB4\xEF\xBC\xAF\xEF\xBC\xA9 \xEF\xBC\xAD\xEF\xBC\xA1\xEF\xBC\xB4",  // full-width
      "\xD0\xA2\xE1\xBB\x90\xD0\x86 \xD0\x9C\xE1\xBA\xAC\xD0\xA2",  // Cyrillic Т І М Т
      "tỐi MậT",                                   // mixed case
      "TỐI\nMẬT",                                  // line break inside
  };
  for (const char* form : forms) {
    std::string text = kHeader + form + "\nBÁO CÁO KẾT QUẢ\nNội dung báo cáo.";
    INFO("stamp form: " << form);
    auto r = Scan(text);
    CHECK(r.action == Action::kBlock);
    CHECK(Types(r).count("secret_marking") == 1);
  }
}

TEST_CASE("stamp words in a sentence are discussion and allowed", "[engine]") {
  for (const char* text : {
           "Theo Luật Bảo vệ bí mật nhà nước, tài liệu TỐI MẬT phải được lưu giữ trong két sắt.",
           "Câu 2: Có mấy độ mật?\nA. Tuyệt mật, Tối mật, Mật\nB. Hai độ",
           "toi mat vi o cho gui xe roi, ai nhat duoc bao minh",
           "Nhớ đổi mật khẩu định kỳ, ăn mật ong cho khỏe, mật độ dân số cao.",
       }) {
    INFO(text);
    CHECK(Scan(text).action == Action::kAllow);
  }
}

TEST_CASE("offsets are bytes of the caller's text even after folding", "[engine][offsets]") {
  // Full-width digits and zero-width spaces inside a CCCD: the finding covers the original bytes.
  std::string cccd = "\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91" "0850\xE2\x80\x8B" "12345";
  std::string text = "Đã nhận hồ sơ. Số định danh: " + cccd + " (bản gốc).";
  auto r = Scan(text);
  REQUIRE(r.findings.size() >= 1);
  bool found = false;
  for (const auto& f : r.findings)
    if (f.type == "cccd") { CHECK(Span(text, f) == cccd); found = true; }
  CHECK(found);
  CHECK(r.action == Action::kBlock);
}

TEST_CASE("masked excerpts never carry the raw value", "[engine][privacy]") {
  std::string text = "CCCD 001085012345, thẻ 4111 1111 1111 1111, mật khẩu: Abc@12345";
  auto r = Scan(text);
  for (const auto& f : r.findings) {
    INFO(f.type << " masked as " << f.masked);
    CHECK(f.masked.find("001085012345") == std::string::npos);
    CHECK(f.masked.find("4111 1111 1111 1111") == std::string::npos);
    CHECK(f.masked.find("Abc@12345") == std::string::npos);
  }
  CHECK(Types(r) == std::set<std::string>{"cccd", "credit_card", "credential"});
}

TEST_CASE("one phone warns, three people's contacts are bulk personal data", "[engine]") {
  auto one = Scan("Liên hệ chị Lan: 0912 345 678");
  CHECK(one.action == Action::kWarn);
  auto many = Scan("Danh sách:\n1. An - 0912345678\n2. Bình - 0987654321\n3. Cường - cuong@example.vn");
  CHECK(many.action == Action::kBlock);
  CHECK(Types(many).count("bulk_personal") == 1);
  // The same number three times is still one person.
  auto same = Scan("Gọi 0912345678, nhắn 0912 345 678 hoặc Zalo 0912.345.678");
  CHECK(same.action == Action::kWarn);
}

TEST_CASE("the destination group chooses the action", "[engine][policy]") {
  std::string personal = "Họ tên: Nguyễn Văn An, CCCD 001085012345";
  std::string stamp = kHeader + "MẬT\nTỜ TRÌNH";
  CHECK(Scan(personal, "public_ai").action == Action::kBlock);
  CHECK(Scan(personal, "https://chatgpt.com/c/123").action == Action::kBlock);
  CHECK(Scan(personal, "huggingface.co/chat/abc").action == Action::kBlock);
  CHECK(Scan(personal, "approved_ai").action == Action::kWarn);
  CHECK(Scan(stamp, "approved_ai").action == Action::kBlock);
  CHECK(Scan(personal, "https://intranet.example.gov.vn/").action == Action::kAllow);
  CHECK(Scan(personal, "https://huggingface.co/models").action == Action::kAllow);
  auto r = Scan(personal, "https://gemini.google.com/app");
  CHECK(r.group == "public_ai");
  CHECK_FALSE(r.justifying.empty());
}

TEST_CASE("look-alike numbers are allowed", "[engine]") {
  for (const char* text : {
           "Mã đơn hàng 001085012345 giao ngày 12/11/2025.",
           "Số 099085012345 có mã tỉnh không tồn tại.",
           "Tổng đài 1900 6789, cấp cứu 115, công an 113.",
           "Mã giao dịch 260976684590 thành công.",
           "Doanh thu đạt 1.234.567.890 đồng, tăng 12%.",
           "Số thẻ 4111 1111 1111 1112 bị từ chối.",
       }) {
    INFO(text);
    CHECK(Scan(text).action == Action::kAllow);
  }
}

TEST_CASE("a streamed scan equals a one-shot scan, whatever the chunking", "[engine][stream]") {
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "Dòng văn bản thường số " + std::to_string(i) + ".\n";
  text += kHeader + "TUYỆT MẬT\nKế hoạch\nSĐT 0912 345 678\n";
  for (int i = 0; i < 4000; ++i) text += "Thêm một dòng nữa.\n";
  auto whole = Scan(text);
  for (size_t chunk : {1u, 7u, 4096u, 300000u}) {
    INFO("chunk size " << chunk);
    dlp::ScanOptions o;
    o.current_year = 2026;
    auto session = dlp::test::DefaultEngine().NewSession(o);
    for (size_t p = 0; p < text.size(); p += chunk)
      REQUIRE(session->Feed(std::string_view(text).substr(p, chunk)).ok());
    dlp::ScanResult r;
    REQUIRE(session->Finish(&r).ok());
    REQUIRE(r.findings.size() == whole.findings.size());
    for (size_t i = 0; i < r.findings.size(); ++i) {
      CHECK(r.findings[i].rule_id == whole.findings[i].rule_id);
      CHECK(r.findings[i].start == whole.findings[i].start);
      CHECK(r.findings[i].end == whole.findings[i].end);
    }
    CHECK(r.action == Action::kBlock);
  }
}

TEST_CASE("a finding deep in a large stream has exact offsets", "[engine][stream]") {
  dlp::ScanOptions o;
  o.current_year = 2026;
  auto session = dlp::test::DefaultEngine().NewSession(o);
  std::string filler(1 << 20, 'a');
  for (size_t i = 0; i < filler.size(); i += 80) filler[i] = '\n';
  uint64_t offset = 0;
  for (int i = 0; i < 24; ++i) {  // 24 MiB
    REQUIRE(session->Feed(filler).ok());
    offset += filler.size();
  }
  std::string tail = "\nCCCD: 079190004521\n";
  REQUIRE(session->Feed(tail).ok());
  dlp::ScanResult r;
  REQUIRE(session->Finish(&r).ok());
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].start == offset + 7);
  CHECK(r.findings[0].end == offset + 19);
  CHECK(r.bytes_scanned == offset + tail.size());
}

TEST_CASE("bad input is scanned without crashing", "[engine][badinput]") {
  CHECK(Scan("").action == Action::kAllow);
  CHECK(Scan("").findings.empty());
  std::string bad = "\xFF\xFE\xC3 CCCD 001085012345 \xE1\x80 \x80\x80";
  auto r = Scan(bad);
  REQUIRE(Types(r).count("cccd"));
  for (const auto& f : r.findings)
    if (f.type == "cccd") CHECK(Span(bad, f) == "001085012345");
  std::string with_nul = std::string("TỐI MẬT") + '\0' + "\nCCCD 001085012345";
  CHECK(Scan(with_nul).action == Action::kBlock);
  std::string binary;
  for (int i = 0; i < 200000; ++i) binary += static_cast<char>((i * 7919) & 0xFF);
  CHECK_NOTHROW(Scan(binary));
}

TEST_CASE("compiled databases are cached on disk and a bad cache is recompiled", "[engine][cache]") {
  std::string dir = std::string(DLP_TEST_TMP) + "/engine_cache";
  std::string cmd = "rm -rf " + dir + " && mkdir -p " + dir;
  REQUIRE(std::system(cmd.c_str()) == 0);
  dlp::EngineOptions opt;
  opt.cache_dir = dir;
  auto make = [&] {
    dlp::RulePack pack;
    REQUIRE(dlp::LoadDefaultPack(&pack).ok());
    std::unique_ptr<dlp::Engine> e;
    REQUIRE(dlp::Engine::Create(std::move(pack), opt, &e).ok());
    return e;
  };
  std::string text = kHeader + "TỐI MẬT\nCCCD 001085012345, email an@example.vn";
  dlp::ScanOptions so;
  so.current_year = 2026;
  auto first = make();
  CHECK_FALSE(first->stats().from_cache);
  auto second = make();
  CHECK(second->stats().from_cache);
  CHECK(second->stats().compile_ms < first->stats().compile_ms);
  dlp::ScanResult a, b;
  REQUIRE(first->Scan(text, so, &a).ok());
  REQUIRE(second->Scan(text, so, &b).ok());
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) CHECK(a.findings[i].start == b.findings[i].start);
  // Garbage in the cache file: compiled again, and the scan is still right.
  std::string corrupt = "for f in " + dir + "/*.hsdb; do head -c 100 /dev/urandom > $f; done";
  REQUIRE(std::system(corrupt.c_str()) == 0);
  auto third = make();
  CHECK_FALSE(third->stats().from_cache);
  dlp::ScanResult c;
  REQUIRE(third->Scan(text, so, &c).ok());
  CHECK(c.action == Action::kBlock);
  CHECK(make()->stats().from_cache);  // and the cache was rewritten
}

// The databases' platform (agent/src/hs_platform.h): what the engine compiles for is what the
// cache is keyed on, so a cache written for another platform choice is never loaded.
#include "engine_cache.h"
#include "hs_platform.h"

TEST_CASE("databases are compiled for the engine's platform and the cache is keyed on it",
          "[engine][cache]") {
  const hs_platform_info_t engine = dlp::EngineHsPlatform();
  const hs_platform_info_t host = dlp::EngineHsPlatform(true);
  CHECK((engine.cpu_features & ~host.cpu_features) == 0);  // never more than the CPU has
#if defined(__x86_64__)
  // x86: without the AVX2 / AVX-512 variants, which scanned the default bundle slower.
  CHECK((engine.cpu_features & (HS_CPU_FEATURES_AVX2 | HS_CPU_FEATURES_AVX512)) == 0);
#endif
  dlp::RulePack pack;
  REQUIRE(dlp::LoadDefaultPack(&pack).ok());
  const std::string key = dlp::EngineCacheKey(pack.rules);
  CHECK(key.find(";cpu=" + std::to_string(engine.cpu_features) + ";") != std::string::npos);
  // The run databases' skip is compiled into them (engine_internal.h): a build with another
  // must not load them.
  CHECK(key.find(";run_skip=" + std::to_string(dlp::kRunSkip) + "\n") != std::string::npos);
}

TEST_CASE("a cache that gives a run database to a rule that must not have one is compiled again",
          "[engine][cache]") {
  // Found by the engine_scan fuzz target on a cache left by a development build that gave the
  // password rule (gated: its hits are not its match ends) a run database: the session then
  // read runs for it and lost a finding. The cache is keyed on the rules and options, not on
  // which rules this build gives run databases, so it is checked when loaded.
  const std::string dir = std::string(DLP_TEST_TMP) + "/engine_cache_runs";
  REQUIRE(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()) == 0);
  dlp::EngineOptions opt;
  opt.cache_dir = dir;
  auto make = [&](dlp::RulePack* pack_out = nullptr) {
    dlp::RulePack pack;
    REQUIRE(dlp::LoadDefaultPack(&pack).ok());
    if (pack_out) *pack_out = pack;
    std::unique_ptr<dlp::Engine> e;
    REQUIRE(dlp::Engine::Create(std::move(pack), opt, &e).ok());
    return e;
  };
  dlp::RulePack pack;
  REQUIRE_FALSE(make(&pack)->stats().from_cache);
  size_t password = pack.rules.size(), email = pack.rules.size();
  for (size_t r = 0; r < pack.rules.size(); ++r) {
    if (pack.rules[r].id == "vn.cred.password") password = r;
    if (pack.rules[r].id == "vn.contact.email") email = r;
  }
  REQUIRE(password < pack.rules.size());
  REQUIRE(email < pack.rules.size());

  // The cache as that build wrote it: the e-mail rule's run database under the password rule.
  const std::string path = dir + "/" + [&] {
    std::string name;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      name = entry.path().filename();
    return name;
  }();
  std::string key;
  {
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(data.size() > 16);
    uint64_t n = 0;  // after the 8-byte magic, the key as a field: 8 bytes of length, then it
    for (int i = 0; i < 8; ++i) n |= uint64_t{static_cast<unsigned char>(data[8 + i])} << (8 * i);
    key = data.substr(16, n);
  }
  dlp::HsDatabase view_db[dlp::kStreamDbCount];
  std::vector<dlp::HsDatabase> confirm, reverse, run;
  std::vector<bool> anchored;
  REQUIRE(dlp::LoadEngineCache(path, key, view_db, &confirm, &reverse, &run, &anchored,
                               pack.rules.size()).ok());
  REQUIRE(run[email].get() != nullptr);
  REQUIRE(run[password].get() == nullptr);
  run[password] = std::move(run[email]);
  REQUIRE(dlp::SaveEngineCache(path, key, view_db, confirm, reverse, run, anchored).ok());

  auto e = make();
  CHECK_FALSE(e->stats().from_cache);
  // The fuzz target's input (two password fields among stray bytes): as many findings as an
  // engine compiled without a cache finds.
  const unsigned char input[] = {
      0x6b, 0x68, 0x61, 0x6e, 0x78, 0x8e, 0xfc, 0xba, 0xbb, 0x00, 0x00, 0x7a, 0x55, 0x00, 0xdd,
      0x61, 0x6b, 0x69, 0x41, 0x61, 0x6b, 0x69, 0x41, 0x69, 0x2e, 0x63, 0x80, 0x6d, 0x6b, 0x3a,
      0x2d, 0x27, 0x27, 0x83, 0x48, 0x00, 0xba, 0xbb, 0x3a, 0x69, 0x2e, 0x63, 0x80, 0x6d, 0x6b,
      0x3a, 0x2d, 0x27, 0x27, 0x83, 0x48, 0x00, 0xba, 0xbb, 0x3a, 0xdd, 0x61, 0x6b, 0x69, 0x6d,
      0x69, 0x2e, 0x37, 0x63, 0x80, 0x6d, 0x6b, 0x3a, 0x2d, 0x27};
  const std::string text(reinterpret_cast<const char*>(input), sizeof input);
  dlp::EngineOptions fresh;
  std::unique_ptr<dlp::Engine> want_engine;
  REQUIRE(dlp::LoadDefaultPack(&pack).ok());
  REQUIRE(dlp::Engine::Create(std::move(pack), fresh, &want_engine).ok());
  dlp::ScanOptions so;
  so.current_year = 2026;
  dlp::ScanResult want, got;
  REQUIRE(want_engine->Scan(text, so, &want).ok());
  REQUIRE(e->Scan(text, so, &got).ok());
  REQUIRE(want.findings.size() == 2);
  CHECK(got.findings.size() == want.findings.size());
  CHECK(make()->stats().from_cache);  // and the cache was rewritten
}

// The start filter of anchored confirmation: a superset of the bytes a match can begin with.
#include "first_bytes.h"

namespace dlp {
namespace {

TEST_CASE("FirstBytes: bytes a match can begin with, never too few", "[engine]") {
  using internal::FirstBytes;
  auto only = [](std::initializer_list<int> bytes) {
    std::bitset<256> s;
    for (int b : bytes) s.set(b);
    return s;
  };
  CHECK(FirstBytes("abc", false) == only({'a'}));
  CHECK(FirstBytes("abc", true) == only({'a', 'A'}));
  CHECK(FirstBytes("a?b|c", false) == only({'a', 'b', 'c'}));
  CHECK(FirstBytes("(?:x{0,3}y)+z", false) == only({'x', 'y'}));
  CHECK(FirstBytes("[0-9]{2}", false) == only({'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}));
  CHECK(FirstBytes("\\x41\\.", false) == only({'A'}));
  CHECK(FirstBytes("\\s*@", false) == only({' ', '\t', '\n', '\v', '\f', '\r', '@'}));
  // The e-mail rule: a quote or anything the local-part class allows.
  const std::bitset<256> email = FirstBytes(
      "(?:\"[^\"\\r\\n]{1,64}\"|[^\\s@<>()\\[\\]:;,\"\\\\]{1,64})@[^\\s@<>()\\[\\]:;,\"\\\\]{1,253}", true);
  CHECK(email.test('"'));
  CHECK(email.test('a'));
  CHECK(email.test(0xC3));
  CHECK_FALSE(email.test(' '));
  CHECK_FALSE(email.test('@'));
  CHECK_FALSE(email.test('<'));
  CHECK_FALSE(email.test(']'));
  CHECK_FALSE(email.test('\\'));
  // Anything not understood, or a pattern that can match nothing, gives every byte.
  CHECK(FirstBytes("x*", false).all());
  CHECK(FirstBytes("(?i)abc", false).all());
  CHECK(FirstBytes("\\p{L}b", false).all());
  CHECK(FirstBytes("[[:alpha:]]", false).all());
  CHECK(FirstBytes("(ab", false).all());
  CHECK(FirstBytes("\\bfoo", false) == only({'f'}));
  CHECK(FirstBytes(std::string(100000, '(') + "a" + std::string(100000, ')'), false).all());
  CHECK(FirstBytes(std::string(10, '(') + "a" + std::string(10, ')'), false) == only({'a'}));
}

}  // namespace
}  // namespace dlp
