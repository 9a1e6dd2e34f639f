// A scan's session state: states reused from the engine's pool leave nothing behind, and the
// findings cap limits only what is stored, never what is counted or decided.
#include <catch2/catch.hpp>

#include <string>

#include "test_util.h"

using dlp::Action;
using dlp::test::kHeader;

TEST_CASE("a reused session state carries nothing into the next scan", "[engine][pool]") {
  // Engine::Scan and NewSession reuse session states (SessionPool). Each scan below leaves
  // something behind that would change the next verdict if it survived: contacts of other
  // people (a phone alone would become bulk personal data), confirmed spans far into the text
  // (which would hide findings before them), waiting hits and phrases of an unfinished stream,
  // options (a tiny max_findings, another year), a text ending in a match.
  const dlp::Engine& e = dlp::test::DefaultEngine();
  const std::string probe = "Liên hệ chị Lan: 0912 345 678, lan@example.vn";
  auto scan = [&](const std::string& text, const dlp::ScanOptions& o) {
    dlp::ScanResult r;
    REQUIRE(e.Scan(text, o, &r).ok());
    return r;
  };
  dlp::ScanOptions plain;
  plain.current_year = 2026;
  const dlp::ScanResult want = scan(probe, plain);
  REQUIRE(want.action == Action::kWarn);
  REQUIRE(want.findings.size() == 2);

  std::string busy = kHeader + "TUYỆT MẬT\n";
  for (int i = 0; i < 3000; ++i)
    busy += "Dòng " + std::to_string(i) + ": anh B - 09" + std::to_string(10000000 + i * 7) +
            " - b" + std::to_string(i) + "@example.vn, số hộ chiếu C" +
            std::to_string(1000000 + i) + "\n";
  busy += "Số điện thoại cuối: 0987654321";
  dlp::ScanOptions odd;
  odd.current_year = 1990;
  odd.max_findings = 1;
  odd.destination = "approved_ai";
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    if (round == 0) (void)scan(busy, odd);
    if (round == 1) {  // fed half, then dropped without Finish
      auto s = e.NewSession(plain);
      REQUIRE(s->Feed(std::string_view(busy).substr(0, busy.size() / 2)).ok());
    }
    if (round == 2) {  // fed past several chunks, then dropped
      auto s = e.NewSession(plain);
      for (int k = 0; k < 3; ++k) REQUIRE(s->Feed(busy).ok());
    }
    const dlp::ScanResult got = scan(probe, plain);
    CHECK(got.action == want.action);
    CHECK(got.group == want.group);
    CHECK(got.findings_dropped == 0);
    CHECK(got.bytes_scanned == want.bytes_scanned);
    CHECK(got.type_counts == want.type_counts);
    CHECK(got.justifying == want.justifying);
    REQUIRE(got.findings.size() == want.findings.size());
    for (size_t i = 0; i < got.findings.size(); ++i) {
      CHECK(got.findings[i].rule_id == want.findings[i].rule_id);
      CHECK(got.findings[i].start == want.findings[i].start);
      CHECK(got.findings[i].end == want.findings[i].end);
      CHECK(got.findings[i].masked == want.findings[i].masked);
      CHECK(got.findings[i].confidence == want.findings[i].confidence);
    }
  }
}

TEST_CASE("findings past max_findings still count, decide aggregates and the verdict",
          "[engine][cap]") {
  // A bulk export: only contacts, one person per line, and a secret stamp at the very end.
  // Past the cap a finding is only counted (scan_session.cc), so the stored findings are the
  // first ones, and everything else must be what an uncapped scan says.
  const dlp::Engine& e = dlp::test::DefaultEngine();
  std::string list = "Danh sách cán bộ:\n";
  for (int i = 0; i < 400; ++i)
    list += std::to_string(i + 1) + ". Anh B - 09" + std::to_string(10000000 + i * 7) + "\n";
  const std::string stamped = list + "TUYỆT MẬT\n";
  for (const std::string* text : {static_cast<const std::string*>(&list), &stamped}) {
    dlp::ScanOptions all, capped;
    all.current_year = capped.current_year = 2026;
    all.max_findings = 1u << 20;
    capped.max_findings = 5;
    dlp::ScanResult want, got;
    REQUIRE(e.Scan(*text, all, &want).ok());
    REQUIRE(e.Scan(*text, capped, &got).ok());
    INFO((text == &list ? "contacts only" : "contacts and a stamp at the end"));
    REQUIRE(want.findings.size() > 400);  // 400 phones and the bulk contacts aggregate
    CHECK(want.findings_dropped == 0);
    CHECK(got.action == want.action);
    CHECK(got.type_counts == want.type_counts);
    CHECK(got.findings.size() + got.findings_dropped == want.findings.size());
    CHECK(got.findings.size() <= 6);  // the cap, and aggregate findings added after it
    // The bulk aggregate spans the whole list, although most phones were never stored.
    auto bulk = [](const dlp::ScanResult& r) {
      for (const auto& f : r.findings)
        if (f.type == "bulk_personal") return std::make_pair(f.start, f.end);
      return std::make_pair(uint64_t{0}, uint64_t{0});
    };
    CHECK(bulk(got) == bulk(want));
    CHECK(bulk(got).second > list.size() - 20);
    // The stored findings are the uncapped scan's first ones.
    for (size_t i = 0; i < got.findings.size() && i < 5; ++i) {
      CHECK(got.findings[i].start == want.findings[i].start);
      CHECK(got.findings[i].masked == want.findings[i].masked);
    }
  }
  dlp::ScanResult capped_stamp;
  dlp::ScanOptions capped;
  capped.current_year = 2026;
  capped.max_findings = 5;
  REQUIRE(e.Scan(stamped, capped, &capped_stamp).ok());
  CHECK(capped_stamp.action == Action::kBlock);
  CHECK(capped_stamp.type_counts.at("secret_marking") == 1);
}
