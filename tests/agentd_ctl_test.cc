// dlp-agentctl, the command-line client, against the real service.
//
// dlp-agentd as it runs: the real service binary as a child process, spoken to over its real
// socket (and through dlp-agentctl). Each TEST_CASE starts its own daemon in a fresh directory.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "agentd_fixture.h"
#include "agentd_test_util.h"

namespace {

using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::CountLines;
using dlp::test::Out;
using dlp::test::ProcessResult;
using dlp::test::kAllowText;
using dlp::test::kBlockText;
using dlp::test::kPublicAi;
using dlp::test::kWarnText;

}  // namespace

// ---- dlp-agentctl -----------------------------------------------------------------------------

TEST_CASE("dlp-agentctl: every command against the real service", "[agentd][ctl]") {
  Agentd d("ctl");
  d.Start();
  std::string file = d.root() + "/letter.txt";
  dlp::test::WriteFileBytes(file, std::string(kBlockText) + "\n");

  ProcessResult st = d.Ctl({"status"});
  INFO(Out(st));
  CHECK(st.status == 0);
  CHECK(st.out.find("user mode") != std::string::npos);
  CHECK(st.out.find("vn-default (built-in pack)") != std::string::npos);
  CHECK(st.out.find("health: ok") != std::string::npos);
  CHECK(st.out.find("clients: none has said hello") != std::string::npos);
  // A browser extension connected through its host is listed with the origin the host reported.
  dlp::test::Client ext(d.socket());
  REQUIRE(dlp::test::Ok(ext.Call({{"op", "hello"}, {"client", "nmhost"}, {"origin", "chrome-extension://abc/"}})));
  REQUIRE(dlp::test::Ok(ext.Call({{"op", "hello"}, {"client", "extension"}, {"browser", "chromium"}, {"version", "0.1.0"}})));
  st = d.Ctl({"status"});
  CHECK(st.out.find("client:  extension (chromium) 0.1.0, chrome-extension://abc/, connected since") != std::string::npos);
  json sj = json::parse(d.Ctl({"status", "--json"}).out);
  CHECK(sj["mode"] == "user");

  // scan: exit status is the verdict, like dlp-scan.
  ProcessResult block = d.Ctl({"scan", file, "--destination", "chatgpt.com", "--redact"});
  INFO(Out(block));
  CHECK(block.status == 2);
  CHECK(block.out.find("CHẶN (block)") != std::string::npos);
  CHECK(block.out.find("\"00********45\"") != std::string::npos);
  CHECK(block.out.find("Đã chặn") != std::string::npos);
  CHECK(block.out.find("[CCCD]") != std::string::npos);
  CHECK(block.out.find("001085012345") == std::string::npos);
  ProcessResult warn = d.Ctl({"scan", "--channel", "clipboard", "--destination", kPublicAi},
                             kWarnText);
  CHECK(warn.status == 1);
  CHECK(warn.out.find("CẢNH BÁO (warn)") != std::string::npos);
  ProcessResult allow = d.Ctl({"scan", "-", "--destination", kPublicAi}, kAllowText);
  CHECK(allow.status == 0);
  ProcessResult wj = d.Ctl({"scan", "--json", "--destination", kPublicAi}, kWarnText);
  CHECK(wj.status == 1);
  json w = json::parse(wj.out);
  CHECK(w["action"] == "warn");
  CHECK(w["findings"][0]["start"] == 12);
  int64_t warn_id = w["incident"].get<int64_t>();
  ProcessResult missing = d.Ctl({"scan", d.root() + "/no-such-file"});
  CHECK(missing.status == 3);
  CHECK(missing.err.find("no-such-file") != std::string::npos);

  // history
  ProcessResult h = d.Ctl({"history"});
  CHECK(h.status == 0);
  CHECK(h.out.find("#" + std::to_string(warn_id)) != std::string::npos);
  CHECK(h.out.find("BLOCK") != std::string::npos);
  ProcessResult h1 = d.Ctl({"history", "--limit", "1"});
  CHECK(CountLines(h1.out) == 2);
  CHECK(h1.out.find("More: dlp-agentctl history --before " + std::to_string(warn_id)) !=
        std::string::npos);
  json hj = json::parse(d.Ctl({"history", "--json", "--limit", "2"}).out);
  CHECK(hj["incidents"].size() == 2);
  CHECK(d.Ctl({"history", "--limit", "0"}).status == 3);

  // decide
  ProcessResult no_reason = d.Ctl({"decide", std::to_string(warn_id), "continue"});
  CHECK(no_reason.status == 3);
  CHECK(no_reason.err.find("justification") != std::string::npos);
  ProcessResult dec = d.Ctl({"decide", std::to_string(warn_id), "continue", "--reason",
                             "số tổng đài công khai"});
  INFO(Out(dec));
  CHECK(dec.status == 0);
  CHECK(dec.out.find("continue recorded") != std::string::npos);
  ProcessResult twice = d.Ctl({"decide", std::to_string(warn_id), "cancel"});
  CHECK(twice.status == 3);
  CHECK(twice.err.find("forbidden") != std::string::npos);
  CHECK(d.Ctl({"decide", "987654", "cancel"}).err.find("not_found") != std::string::npos);
  CHECK(d.Ctl({"decide", "abc", "cancel"}).status == 3);
  CHECK(d.Ctl({"decide", "1", "perhaps"}).status == 3);

  // reload
  ProcessResult rl = d.Ctl({"reload"});
  CHECK(rl.status == 0);
  CHECK(rl.out.find("unchanged") != std::string::npos);

  // usage errors
  CHECK(d.Ctl({"frobnicate"}).status == 3);
  CHECK(d.Ctl({"status", "--limit", "3"}).status == 3);
  CHECK(d.Ctl({"scan", "--bogus"}).status == 3);
  CHECK(d.Ctl({"audit"}).status == 3);
  CHECK(dlp::test::RunProcess(DLP_AGENTCTL_BIN, {"--help"}, "").status == 0);

  // audit, by the officer, with the service running
  ProcessResult v = d.Ctl({"audit", "verify", "--db", d.audit_db()});
  CHECK(v.status == 0);

  // The service down: a clear message and exit 3.
  REQUIRE(d.Stop() == 0);
  ProcessResult down = d.Ctl({"status"});
  CHECK(down.status == 3);
  CHECK(down.err.find("dlp-agentd is not running (connect to " + d.socket() + ": ") !=
        std::string::npos);
  CHECK(d.Ctl({"scan", file}).status == 3);
  // The audit log does not need the service.
  CHECK(d.Ctl({"audit", "verify", "--db", d.audit_db()}).status == 0);
}
