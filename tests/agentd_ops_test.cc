// dlp-agentd operations: scan, decide, history, status, reload and subscribe.
//
// dlp-agentd as it runs: the real service binary as a child process, spoken to over its real
// socket (and through dlp-agentctl). Each TEST_CASE starts its own daemon in a fresh directory.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"

namespace {

using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::AllHistoryIds;
using dlp::test::Client;
using dlp::test::ErrorCode;
using dlp::test::Ok;
using dlp::test::ScanRequest;
using dlp::test::Slice;
using dlp::test::Status;
using dlp::test::kAllowText;
using dlp::test::kBlockText;
using dlp::test::kEmailText;
using dlp::test::kPublicAi;
using dlp::test::kWarnText;
using dlp::test::kWarnValue;

}  // namespace

// ---- operations -------------------------------------------------------------------------------

TEST_CASE("agentd: scan answers allow, warn and block with offsets and masked excerpts",
          "[agentd]") {
  Agentd d("scan");
  d.Start();
  Client c(d.socket());
  REQUIRE(c.connected());

  SECTION("allow: nothing found, nothing recorded") {
    json r = c.Call(ScanRequest(kAllowText, kPublicAi));
    REQUIRE(Ok(r));
    CHECK(r["v"] == 1);
    CHECK(r["action"] == "allow");
    CHECK(r["group"] == "public_ai");
    CHECK(r["findings"].empty());
    CHECK_FALSE(r.contains("incident"));
    CHECK(r["may_override"] == false);
    CHECK(r["message"]["vi"].get<std::string>().find("Không phát hiện") != std::string::npos);
    CHECK(r["bundle"]["name"] == "vn-default");
  }
  SECTION("warn: a phone number, byte offsets into the UTF-8 text, masked") {
    json r = c.Call(ScanRequest(kWarnText, kPublicAi));
    REQUIRE(Ok(r));
    CHECK(r["action"] == "warn");
    REQUIRE(r["findings"].size() == 1);
    json f = r["findings"][0];
    CHECK(f["rule"] == "vn.contact.phone");
    CHECK(f["type"] == "phone");
    CHECK(f["severity"] == "medium");
    CHECK(Slice(kWarnText, f) == kWarnValue);  // "Liên hệ: " is 12 bytes, 9 characters
    CHECK(f["start"] == 12);
    CHECK(f["masked"] == "09** *** *78");
    CHECK(f["name_vi"] == "Số điện thoại");
    CHECK(f["name_en"] == "Phone number");
    CHECK(r["justifying"] == json::array({0}));
    CHECK(r["incident"].is_number_integer());
    CHECK(r["may_override"] == true);
    CHECK(r["needs_justification"] == true);
    CHECK(r["message"]["vi"].get<std::string>().rfind("Cảnh báo", 0) == 0);
    CHECK(r["message"]["en"].get<std::string>().rfind("Warning", 0) == 0);
  }
  SECTION("block: a CCCD, never overridable, recorded") {
    json r = c.Call(ScanRequest(kBlockText, "chatgpt.com"));
    REQUIRE(Ok(r));
    CHECK(r["action"] == "block");
    CHECK(r["group"] == "public_ai");
    REQUIRE(r["findings"].size() == 1);
    CHECK(r["findings"][0]["type"] == "cccd");
    CHECK(Slice(kBlockText, r["findings"][0]) == "001085012345");
    CHECK(r["findings"][0]["masked"] == "00********45");
    CHECK(r["incident"].is_number_integer());
    CHECK(r["may_override"] == false);
    CHECK(r["message"]["vi"].get<std::string>().rfind("Đã chặn", 0) == 0);
    CHECK_FALSE(r.contains("redacted"));
  }
  SECTION("the destination decides: the same CCCD toward an ordinary site is allowed") {
    json r = c.Call(ScanRequest(kBlockText, "https://dichvucong.gov.vn/p/home"));
    REQUIRE(Ok(r));
    CHECK(r["action"] == "allow");
    CHECK(r["group"] == "other");
    CHECK(r["findings"].size() == 1);
  }
  SECTION("redact returns the text with each finding replaced by its type") {
    std::string text = "CCCD 001085012345, thẻ 4111 1111 1111 1111, gọi 0912 345 678.";
    json req = ScanRequest(text, kPublicAi, "submit");
    req["redact"] = true;
    json r = c.Call(req);
    REQUIRE(Ok(r));
    CHECK(r["action"] == "block");
    CHECK(r["redacted"] == "CCCD [CCCD], thẻ [SỐ THẺ], gọi [SĐT].");
    for (const auto& f : r["findings"]) {
      std::string raw = Slice(text, f);
      CHECK(f["masked"] != raw);
      CHECK(f["masked"].get<std::string>().size() == raw.size());
    }
  }
  SECTION("record: false still answers but records nothing") {
    json req = ScanRequest(kBlockText, kPublicAi);
    req["record"] = false;
    json r = c.Call(req);
    REQUIRE(Ok(r));
    CHECK(r["action"] == "block");
    CHECK_FALSE(r.contains("incident"));
    CHECK(AllHistoryIds(c).empty());
  }
  SECTION("every channel is accepted, and an empty text is allowed") {
    for (const char* ch : {"clipboard", "paste", "drop", "submit", "upload", "file"}) {
      json r = c.Call(ScanRequest("", kPublicAi, ch));
      CHECK(Ok(r));
      CHECK(r["action"] == "allow");
    }
  }
}

TEST_CASE("agentd: decide follows the rules: own, once, reasons, never continue a block",
          "[agentd]") {
  Agentd d("decide");
  d.Start();
  Client c(d.socket());
  auto incident = [&](const char* text) {
    json r = c.Call(ScanRequest(text, kPublicAi));
    REQUIRE(Ok(r));
    REQUIRE(r.contains("incident"));
    return r["incident"].get<int64_t>();
  };
  auto decide = [&](int64_t id, const std::string& decision, const char* reason = nullptr) {
    json req = {{"op", "decide"}, {"incident", id}, {"decision", decision}};
    if (reason) req["justification"] = reason;
    return c.Call(req);
  };
  int64_t w1 = incident(kWarnText), w2 = incident(kWarnText), w3 = incident(kEmailText);
  int64_t b1 = incident(kBlockText);

  // continue needs a reason; then it is recorded once.
  CHECK(ErrorCode(decide(w1, "continue")) == "bad_request");
  json r = decide(w1, "continue", "Số của tổng đài, đã công khai");
  REQUIRE(Ok(r));
  CHECK(r["incident"] == w1);
  CHECK(r["decision"] == "continue");
  CHECK(ErrorCode(decide(w1, "cancel")) == "forbidden");  // already decided
  // cancel needs no reason; false_alarm does.
  CHECK(Ok(decide(w2, "cancel")));
  CHECK(ErrorCode(decide(w3, "false_alarm")) == "bad_request");
  CHECK(Ok(decide(w3, "false_alarm", "địa chỉ hộp thư chung của cơ quan")));
  // A block is never continued, but may be cancelled.
  json cont = decide(b1, "continue", "tôi chắc chắn");
  CHECK(ErrorCode(cont) == "forbidden");
  CHECK(Ok(decide(b1, "cancel")));
  // Unknown incidents and decisions.
  CHECK(ErrorCode(decide(999999, "cancel")) == "not_found");
  CHECK(ErrorCode(decide(w2, "maybe")) == "bad_request");
  CHECK(ErrorCode(c.Call({{"op", "decide"}, {"incident", std::to_string(w2)},
                          {"decision", "cancel"}})) == "bad_request");

  // History shows each answer with its reason.
  json h = c.Call({{"op", "history"}});
  REQUIRE(Ok(h));
  std::map<int64_t, json> by_id;
  for (const auto& inc : h["incidents"]) by_id[inc["incident"].get<int64_t>()] = inc;
  CHECK(by_id[w1]["decision"] == "continue");
  CHECK(by_id[w1]["justification"] == "Số của tổng đài, đã công khai");
  CHECK(by_id[w2]["decision"] == "cancel");
  CHECK(by_id[w3]["decision"] == "false_alarm");
  CHECK(by_id[b1]["decision"] == "cancel");
}

TEST_CASE("agentd: history is the caller's, newest first, paged, without the scanned text",
          "[agentd]") {
  Agentd d("history");
  d.Start();
  Client c(d.socket());
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    json r = c.Call(ScanRequest(i % 2 ? kWarnText : kBlockText, kPublicAi, "clipboard"));
    REQUIRE(r.contains("incident"));
    ids.push_back(r["incident"].get<int64_t>());
  }
  std::vector<int64_t> newest_first(ids.rbegin(), ids.rend());

  json p1 = c.Call({{"op", "history"}, {"limit", 3}});
  REQUIRE(Ok(p1));
  REQUIRE(p1["incidents"].size() == 3);
  CHECK(p1["incidents"][0]["incident"] == newest_first[0]);
  CHECK(p1["next_before"] == newest_first[2]);
  json p2 = c.Call({{"op", "history"}, {"limit", 3}, {"before", p1["next_before"]}});
  REQUIRE(p2["incidents"].size() == 3);
  CHECK(p2["incidents"][0]["incident"] == newest_first[3]);
  json p3 = c.Call({{"op", "history"}, {"limit", 3}, {"before", p2["next_before"]}});
  REQUIRE(p3["incidents"].size() == 1);
  CHECK(p3["incidents"][0]["incident"] == newest_first[6]);
  CHECK(p3["next_before"].is_null());
  CHECK(AllHistoryIds(c, 2) == newest_first);

  json inc = p1["incidents"][0];
  for (const char* key : {"incident", "time", "channel", "destination", "group", "action", "types",
                          "rules", "count", "masked", "decision", "justification"})
    CHECK(inc.contains(key));
  CHECK_FALSE(inc.contains("text"));
  CHECK(inc["channel"] == "clipboard");
  CHECK(inc["destination"] == kPublicAi);
  CHECK(inc["action"] == "block");
  CHECK(inc["types"] == json::array({"cccd"}));
  CHECK(inc["masked"] == "00********45");
  CHECK(inc["decision"].is_null());
  std::string all = p1.dump() + p2.dump() + p3.dump();
  CHECK(all.find("001085012345") == std::string::npos);
  CHECK(all.find(kWarnValue) == std::string::npos);

  CHECK(ErrorCode(c.Call({{"op", "history"}, {"limit", 0}})) == "bad_request");
  CHECK(ErrorCode(c.Call({{"op", "history"}, {"limit", 201}})) == "bad_request");
  CHECK(ErrorCode(c.Call({{"op", "history"}, {"before", -1}})) == "bad_request");
}

TEST_CASE("agentd: status and reload describe the service and its rules", "[agentd]") {
  Agentd d("status");
  d.Start();
  Client c(d.socket());
  json s = Status(c);
  CHECK(s["version"] == "0.1.0");
  CHECK(s["protocol"] == json::array({1}));
  CHECK(s["mode"] == "user");
  CHECK(s["bundle"]["name"] == "vn-default");
  CHECK(s["bundle"]["source"] == "built-in");
  CHECK(s["bundle"]["version"] == 0);
  CHECK(s["bundle"]["loaded_at"].get<std::string>().size() >= 20);
  CHECK(s["last_bundle_error"].is_null());
  CHECK(s["health"] == "ok");
  CHECK(s["max_request_bytes"] == 16777216);
  CHECK(s["workers"] == 2);
  CHECK(s["fail_mode"] == "block");

  json r = c.Call({{"op", "reload"}});
  REQUIRE(Ok(r));
  CHECK(r["changed"] == false);
  CHECK(r["bundle"]["source"] == "built-in");
  CHECK(r["error"].is_null());

  // The socket of a --user service is its owner's alone.
  struct stat st {};
  REQUIRE(stat(d.socket().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(stat(d.state_dir().c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
  REQUIRE(stat((d.state_dir() + "/install.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
}

TEST_CASE("agentd: subscribers get events for their own incidents and decisions", "[agentd]") {
  Agentd d("subscribe");
  d.Start();
  Client sub(d.socket()), user(d.socket());
  json r = sub.Call({{"op", "subscribe"}});
  REQUIRE(Ok(r));
  CHECK(r["subscribed"] == true);

  // Scans that record nothing push nothing.
  REQUIRE(Ok(user.Call(ScanRequest(kAllowText, kPublicAi))));
  json quiet = ScanRequest(kBlockText, kPublicAi);
  quiet["record"] = false;
  REQUIRE(Ok(user.Call(quiet)));
  json w = user.Call(ScanRequest(kWarnText, kPublicAi, "drop"));
  REQUIRE(w.contains("incident"));

  auto e = sub.NextEvent(10000);
  REQUIRE(e);
  CHECK((*e)["v"] == 1);
  CHECK((*e)["event"] == "incident");
  CHECK((*e)["incident"]["incident"] == w["incident"]);  // the first event is this one
  CHECK((*e)["incident"]["channel"] == "drop");
  CHECK((*e)["incident"]["action"] == "warn");
  CHECK((*e)["incident"]["masked"] == "09** *** *78");
  CHECK_FALSE((*e)["incident"].contains("text"));

  REQUIRE(Ok(user.Call({{"op", "decide"}, {"incident", w["incident"]}, {"decision", "cancel"}})));
  e = sub.NextEvent(10000);
  REQUIRE(e);
  CHECK((*e)["event"] == "decision");
  CHECK((*e)["incident"]["incident"] == w["incident"]);
  CHECK((*e)["incident"]["decision"] == "cancel");

  // A subscribed connection still answers requests, in order, between events.
  json s = sub.Call({{"op", "status"}});
  CHECK(Ok(s));
  CHECK_FALSE(sub.NextEvent(300));  // nothing else happened
}

TEST_CASE("agentd: policy gives the hooks their destinations from the active rules", "[agentd]") {
  Agentd d("policy");
  d.Start();
  Client c(d.socket());
  json p = c.Call({{"op", "policy"}});
  REQUIRE(Ok(p));
  CHECK(p["bundle"]["name"] == "vn-default");
  CHECK(p["default_group"] == "other");
  CHECK(p["fail_mode"] == "block");
  std::map<std::string, json> groups;
  for (const auto& g : p["groups"]) groups[g["name"]] = g;
  REQUIRE(groups.count("public_ai"));
  const json& pub = groups["public_ai"];
  CHECK(pub["guarded"] == true);
  CHECK(pub["fail_mode"] == "block");
  CHECK(pub["unscannable"] == "warn");
  auto hosts = pub["hosts"].get<std::vector<std::string>>();
  CHECK(std::find(hosts.begin(), hosts.end(), "chatgpt.com") != hosts.end());
  CHECK(std::find(hosts.begin(), hosts.end(), "gemini.google.com") != hosts.end());
  CHECK(groups["approved_ai"]["guarded"] == true);  // secrets still block there
  // Audit-only destinations are not interrupted, even when the service is down.
  CHECK(groups["other"]["guarded"] == false);
  CHECK(groups["other"]["fail_mode"] == "allow");
}

TEST_CASE("agentd: a file that cannot be read follows the group's unscannable action",
          "[agentd]") {
  Agentd d("attachment");
  d.Start();
  Client c(d.socket());
  json req = {{"op", "attachment"}, {"name", "bao-cao.pdf"}, {"mime", "application/pdf"},
              {"size", 48213}, {"channel", "upload"}, {"destination", "https://chatgpt.com/"}};
  json r = c.Call(req);
  REQUIRE(Ok(r));
  CHECK(r["action"] == "warn");
  CHECK(r["unscannable"] == true);
  CHECK(r["findings"].empty());
  CHECK(r["may_override"] == true);
  CHECK(r["message"]["vi"].get<std::string>().find("bao-cao.pdf") != std::string::npos);
  REQUIRE(r.contains("incident"));
  json h = c.Call({{"op", "history"}, {"limit", 1}});
  REQUIRE(Ok(h));
  CHECK(h["incidents"][0]["types"] == json::array({"unscannable_file"}));
  CHECK(h["incidents"][0]["masked"] == "bao-cao.pdf (application/pdf, 48213 B)");

  req["destination"] = "https://example.org/form";  // audit-only group: allowed, nothing recorded
  json other = c.Call(req);
  CHECK(other["action"] == "allow");
  CHECK_FALSE(other.contains("incident"));

  req.erase("size");
  CHECK(ErrorCode(c.Call(req)) == "bad_request");
  req["size"] = 10;
  req["channel"] = "paste";
  CHECK(ErrorCode(c.Call(req)) == "bad_request");
}

TEST_CASE("agentd: status lists the user's clients that said hello", "[agentd]") {
  Agentd d("hello");
  d.Start();
  Client tray(d.socket()), ctl(d.socket());
  REQUIRE(Ok(tray.Call({{"op", "hello"}, {"client", "tray"}, {"version", "0.1.0"}})));
  CHECK(ErrorCode(tray.Call({{"op", "hello"}})) == "bad_request");
  json s = Status(ctl);
  REQUIRE(s["clients"].size() == 1);
  CHECK(s["clients"][0]["client"] == "tray");
  CHECK(s["clients"][0]["connected"] == true);
  CHECK_FALSE(s["clients"][0].contains("origin"));
  tray.Close();
  for (int i = 0; i < 50 && Status(ctl)["clients"][0]["connected"] == true; ++i) usleep(20000);
  CHECK(Status(ctl)["clients"][0]["connected"] == false);
}

TEST_CASE("agentd: rules gives names and explanations, never patterns", "[agentd]") {
  Agentd d("rules");
  d.Start();
  Client c(d.socket());
  json r = c.Call({{"op", "rules"}});
  REQUIRE(Ok(r));
  CHECK(r["bundle"]["name"] == "vn-default");
  std::map<std::string, json> by_id;
  for (const auto& x : r["rules"]) by_id[x["rule"]] = x;
  REQUIRE(by_id.count("vn.id.cccd"));
  CHECK(by_id["vn.id.cccd"]["name_vi"] == "Số căn cước công dân (CCCD)");
  CHECK_FALSE(by_id["vn.id.cccd"]["explanation_vi"].get<std::string>().empty());
  CHECK(by_id.count("vn.bulk.contacts"));  // aggregates too
  CHECK(r.dump().find("patterns") == std::string::npos);
  CHECK(r.dump().find("keywords") == std::string::npos);
}
