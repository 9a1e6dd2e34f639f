// dlp-agentd as it runs: the real service binary as a child process, spoken to over its real
// socket (and through dlp-agentctl). Each TEST_CASE starts its own daemon in a fresh directory.
//
// Catch2 (v2) assertions are not thread-safe: threads in these tests only collect results, and
// the test's own thread checks them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agentd_fixture.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::AgentdOptions;
using dlp::test::AllHistoryIds;
using dlp::test::Client;
using dlp::test::ErrorCode;
using dlp::test::ProcessResult;
using dlp::test::ScanRequest;
using dlp::test::WaitUntil;
using Clock = std::chrono::steady_clock;

const char kPublicAi[] = "https://chatgpt.com/c/42";
const char kAllowText[] = "Hôm nay trời đẹp, cuộc họp giao ban lúc 9 giờ sáng.";
const char kWarnText[] = "Liên hệ: 0912 345 678";  // a phone number: warn toward public AI
const char kWarnValue[] = "0912 345 678";
const char kBlockText[] = "Số CCCD của tôi là 001085012345 nhé";  // CCCD: block
const char kEmailText[] = "Gửi chị Lan: nguyen.van.a@example.com";  // medium: warn (v5: high)

// The synthetic secrets that must never reach the disk, in every spelling a leak could take.
const std::vector<std::string> kRawSecrets = {"001085012345", "4111 1111 1111 1111",
                                              "4111111111111111", "Abc@12345"};

bool Ok(const json& r) { return r.is_object() && r.contains("ok") && r["ok"] == true; }

std::string Slice(const std::string& text, const json& finding) {
  auto start = finding["start"].get<size_t>(), end = finding["end"].get<size_t>();
  if (start > end || end > text.size()) return "<bad offsets>";
  return text.substr(start, end - start);
}

std::string Out(const ProcessResult& r) {
  return "status " + std::to_string(r.status) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

// All files under dir (recursively) whose bytes contain needle.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> hits;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec) &&
        dlp::test::ReadFileBytes(e.path().string()).find(needle) != std::string::npos)
      hits.push_back(e.path().string());
  return hits;
}

std::string Frame(const std::string& payload) {
  return dlp::test::LengthPrefix(static_cast<uint32_t>(payload.size())) + payload;
}

int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

// dlp-rules as an officer runs it.
ProcessResult Rules(std::vector<std::string> args) {
  return dlp::test::RunProcess(DLP_RULES_BIN, std::move(args), "");
}

// A copy of the source packs in which e-mail addresses are high severity (block toward public
// AI instead of warn), so a scan shows which rules are active.
std::string ModifiedPackDir(const std::string& root) {
  std::string dir = root + "/pack-email-high";
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(std::string(DLP_SOURCE_DIR) + "/rules/packs"))
    fs::copy_file(e.path(), dir + "/" + e.path().filename().string());
  std::string path = dir + "/contacts.yaml";
  std::string yaml = dlp::test::ReadFileBytes(path);
  size_t rule = yaml.find("id: vn.contact.email");
  REQUIRE(rule != std::string::npos);
  size_t sev = yaml.find("severity: medium", rule);
  REQUIRE(sev != std::string::npos);
  yaml.replace(sev, std::string("severity: medium").size(), "severity: high");
  dlp::test::WriteFileBytes(path, yaml);
  return dir;
}

// keygen into root/keys/NAME; returns the key id printed by dlp-rules.
std::string Keygen(const std::string& root, const std::string& name) {
  fs::create_directories(root + "/keys");
  ProcessResult r = Rules({"keygen", "--out", root + "/keys/" + name});
  INFO(Out(r));
  REQUIRE(r.status == 0);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("key ([0-9a-f]{16})")));
  return m[1];
}

// Builds a signed bundle into root/staging, then moves it into `dest` whole (rename), as an
// update agent would: the service never sees a half-written file.
void BuildBundleInto(const std::string& root, const std::string& pack, const std::string& key,
                     int version, const std::string& dest) {
  fs::create_directories(root + "/staging");
  std::string staged = root + "/staging/" + fs::path(dest).filename().string();
  ProcessResult r = Rules({"build", pack, "--key", root + "/keys/" + key + ".key", "--version",
                           std::to_string(version), "--out", staged});
  INFO(Out(r));
  REQUIRE(r.status == 0);
  fs::rename(staged, dest);
}

json Status(Client& c) {
  json r = c.Call({{"op", "status"}});
  REQUIRE(Ok(r));
  return r;
}

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
    CHECK(r["redacted"] == "CCCD [CCCD], thẻ [CREDIT_CARD], gọi [PHONE].");
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

// ---- concurrency ------------------------------------------------------------------------------

TEST_CASE("agentd: 16 clients x 25 scans at once are all answered correctly", "[agentd][load]") {
  Agentd d("concurrent");
  d.Start();
  constexpr int kThreads = 16, kScans = 25;
  struct Case { std::string text, action, value; };
  const std::vector<Case> cases = {{kAllowText, "allow", ""},
                                   {kWarnText, "warn", kWarnValue},
                                   {kBlockText, "block", "001085012345"}};
  std::mutex mu;
  std::vector<std::string> problems;
  std::vector<int64_t> incidents;
  int expected_incidents = 0;
  std::vector<std::thread> threads;
  auto t0 = Clock::now();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kScans; ++i) expected_incidents += cases[(t + i) % 3].action != "allow";
    threads.emplace_back([&, t] {
      Client c(d.socket());
      std::vector<std::string> mine;
      std::vector<int64_t> ids;
      for (int i = 0; i < kScans; ++i) {
        const Case& k = cases[(t + i) % 3];
        json r = c.Call(ScanRequest(k.text, kPublicAi), 60000);
        std::string where = "thread " + std::to_string(t) + " scan " + std::to_string(i) + ": ";
        if (!Ok(r)) { mine.push_back(where + r.dump()); continue; }
        if (r["action"] != k.action) mine.push_back(where + "action " + r["action"].dump());
        if (k.value.empty()) {
          if (!r["findings"].empty()) mine.push_back(where + "unexpected findings");
          continue;
        }
        if (r["findings"].size() != 1 || Slice(k.text, r["findings"][0]) != k.value)
          mine.push_back(where + "findings " + r["findings"].dump());
        if (!r.contains("incident")) mine.push_back(where + "no incident");
        else ids.push_back(r["incident"].get<int64_t>());
      }
      std::lock_guard<std::mutex> lock(mu);
      problems.insert(problems.end(), mine.begin(), mine.end());
      incidents.insert(incidents.end(), ids.begin(), ids.end());
    });
  }
  for (auto& th : threads) th.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  WARN(kThreads * kScans << " scans from " << kThreads << " clients in " << secs << " s");
  INFO((problems.empty() ? std::string() : problems.front()));
  CHECK(problems.empty());
  CHECK(static_cast<int>(incidents.size()) == expected_incidents);
  std::set<int64_t> unique(incidents.begin(), incidents.end());
  CHECK(unique.size() == incidents.size());
  Client c(d.socket());
  std::vector<int64_t> history = AllHistoryIds(c);
  CHECK(std::set<int64_t>(history.begin(), history.end()) == unique);
}

TEST_CASE("agentd: stalled clients do not hold up anyone else", "[agentd][load]") {
  Agentd d("stalled");
  d.Start();
  // Half a frame, then silence.
  Client half(d.socket());
  REQUIRE(half.SendRaw(dlp::test::LengthPrefix(1000) + R"({"v":1,"op":)"));
  // A subscriber that never reads.
  Client deaf_sub(d.socket());
  REQUIRE(deaf_sub.Send({{"v", 1}, {"id", 1}, {"op", "subscribe"}}));
  // A client that sends requests with large replies and never reads them.
  Client deaf(d.socket());
  std::string big(256 * 1024, 'a');
  big += " 0912 345 678";
  json big_req = ScanRequest(big, kPublicAi);
  big_req["redact"] = true;
  big_req["record"] = false;
  big_req["v"] = 1;
  // From a thread: the service stops reading once its replies pile up, so these sends block
  // until it drops the connection.
  std::thread deaf_sender([&] {
    for (int i = 0; i < 16; ++i)
      if (!deaf.Send(big_req)) break;
  });
  auto deaf_sent = Clock::now();
  // Connections that never say anything.
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<Client>(d.socket()));

  // Meanwhile two ordinary users are served promptly.
  std::atomic<int> ok{0};
  std::atomic<long> worst_ms{0};
  auto user = [&] {
    Client c(d.socket());
    for (int i = 0; i < 15; ++i) {
      auto t = Clock::now();
      json r = c.Call(ScanRequest(i % 2 ? kBlockText : kWarnText, kPublicAi), 30000);
      long ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
      worst_ms = std::max(worst_ms.load(), ms);
      if (Ok(r) && r["action"] == (i % 2 ? "block" : "warn")) ++ok;
    }
  };
  std::thread u1(user), u2(user);
  u1.join();
  u2.join();
  WARN("slowest scan beside stalled clients: " << worst_ms.load() << " ms");
  CHECK(ok == 30);
  // Generous for a loaded 2-core machine; a client blocked behind a stalled one would wait for
  // the 10 s frame timeout or forever.
  CHECK(worst_ms < 5000);

  // The one that never reads is dropped after the service's send timeout (2 s per write
  // attempt), not waited for.
  CHECK(deaf.WaitClosed(20000));
  WARN("the client that never reads was dropped after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - deaf_sent).count()
       << " ms");
  deaf_sender.join();
  // And everything still works for a newcomer.
  Client late(d.socket());
  CHECK(Ok(late.Call({{"op", "status"}})));
}

// ---- malformed input --------------------------------------------------------------------------

TEST_CASE("agentd: malformed frames get error replies and the service keeps serving",
          "[agentd][malformed]") {
  Agentd d("malformed");
  d.Start();
  auto fresh = [&] { return std::make_unique<Client>(d.socket()); };

  SECTION("framing errors: an error reply, then the connection is closed") {
    struct Bad { const char* name; std::string bytes; const char* code; const char* words; };
    std::vector<Bad> bad = {
        {"not JSON", Frame("hello"), "not_json", ""},
        {"a JSON array", Frame("[1,2,3]"), "not_json", ""},
        {"a JSON string", Frame("\"v1\""), "not_json", ""},
        {"an empty frame", Frame(""), "not_json", ""},
        {"invalid UTF-8", Frame("{\"v\":1,\"op\":\"status\",\"x\":\"\xff\xfe\"}"), "not_json", ""},
        {"too large (16 MiB + 1)", dlp::test::LengthPrefix((16u << 20) + 1), "too_large", ""},
        {"length 0xFFFFFFFF", dlp::test::LengthPrefix(0xFFFFFFFFu), "too_large", ""},
    };
    for (const auto& b : bad) {
      INFO(b.name);
      auto c = fresh();
      REQUIRE(c->SendRaw(b.bytes));
      auto r = c->ReadFrame(10000);
      REQUIRE(r);
      CHECK((*r)["ok"] == false);
      CHECK((*r)["v"] == 1);
      CHECK(ErrorCode(*r) == b.code);
      CHECK(c->WaitClosed(10000));
    }
  }
  SECTION("a frame cut short by the client's close") {
    auto c = fresh();
    REQUIRE(c->SendRaw(dlp::test::LengthPrefix(100) + R"({"v":1,"op":"sta)"));
    shutdown(c->fd(), SHUT_WR);
    auto r = c->ReadFrame(10000);
    REQUIRE(r);
    CHECK(ErrorCode(*r) == "bad_request");
    CHECK((*r)["error"]["message"].get<std::string>().find("truncated") != std::string::npos);
    CHECK(c->WaitClosed(10000));
  }
  SECTION("a cut after part of the length prefix") {
    auto c = fresh();
    REQUIRE(c->SendRaw(std::string("\x10\x00", 2)));
    shutdown(c->fd(), SHUT_WR);
    auto r = c->ReadFrame(10000);
    if (r) CHECK(ErrorCode(*r) == "bad_request");
    CHECK(c->WaitClosed(10000));
  }
  SECTION("request errors: an error reply, and the connection stays usable") {
    auto c = fresh();
    struct Bad { json req; const char* code; const char* mentions; };
    std::vector<Bad> bad = {
        {{{"id", "u1"}, {"op", "fly"}}, "unknown_op", "fly"},
        {{{"id", 7}, {"v", nullptr}, {"op", "status"}}, "bad_request", "'v'"},
        {{{"id", 8}, {"v", "1"}, {"op", "status"}}, "bad_request", "'v'"},
        {{{"id", 9}, {"v", 2}, {"op", "status"}}, "unsupported_version", ""},
        {{{"id", 10}}, "bad_request", "'op'"},
        {{{"id", 11}, {"op", "scan"}, {"text", 5}, {"channel", "paste"}, {"destination", "x"}},
         "bad_request", "'text'"},
        {{{"id", 12}, {"op", "scan"}, {"channel", "paste"}, {"destination", "x"}}, "bad_request",
         "'text'"},
        {{{"id", 13}, {"op", "scan"}, {"text", "a"}, {"channel", "pigeon"}, {"destination", "x"}},
         "bad_request", "pigeon"},
        {{{"id", 14}, {"op", "scan"}, {"text", "a"}, {"channel", "paste"}}, "bad_request",
         "'destination'"},
        {{{"id", 15}, {"op", "scan"}, {"text", "a"}, {"channel", "paste"}, {"destination", ""}},
         "bad_request", "destination"},
        {{{"id", 16}, {"op", "scan"}, {"text", "a"}, {"channel", "paste"}, {"destination", "x"},
          {"app", json::array()}}, "bad_request", "'app'"},
        {{{"id", 17}, {"op", "history"}, {"limit", "ten"}}, "bad_request", "limit"},
        {{{"id", 18}, {"op", "history"}, {"limit", 2.5}}, "bad_request", "limit"},
        {{{"id", 19}, {"op", "decide"}, {"incident", "1"}, {"decision", "cancel"}},
         "bad_request", "'incident'"},
        {{{"id", 20}, {"op", "decide"}, {"incident", 1}, {"decision", 3}}, "bad_request",
         "'decision'"},
        {{{"id", {{"any", "json"}, {"is", {1, 2}}}}, {"op", "nope"}}, "unknown_op", ""},
    };
    for (auto& b : bad) {
      INFO(b.req.dump());
      json id = b.req["id"];
      if (!b.req.contains("v")) b.req["v"] = 1;
      else if (b.req["v"].is_null()) b.req.erase("v");
      REQUIRE(c->Send(b.req));
      auto r = c->ReadFrame(10000);
      REQUIRE(r);
      CHECK((*r)["ok"] == false);
      CHECK((*r)["id"] == id);
      CHECK(ErrorCode(*r) == b.code);
      CHECK((*r)["error"]["message"].get<std::string>().find(b.mentions) != std::string::npos);
      if (std::string(b.code) == "unsupported_version") CHECK((*r)["supported"] == json::array({1}));
    }
    CHECK(Ok(c->Call({{"op", "status"}})));
  }
  SECTION("several requests on one connection are answered in order") {
    auto c = fresh();
    std::string frames;
    std::vector<json> reqs = {{{"v", 1}, {"id", "a"}, {"op", "status"}},
                              {{"v", 1}, {"id", "b"}, {"op", "fly"}},
                              {{"v", 1}, {"id", "c"}, {"op", "scan"}, {"text", kBlockText},
                               {"channel", "paste"}, {"destination", kPublicAi}}};
    for (const auto& r : reqs) {
      std::string p = r.dump();
      frames += dlp::test::LengthPrefix(static_cast<uint32_t>(p.size())) + p;
    }
    REQUIRE(c->SendRaw(frames));  // all three in one write
    for (const char* id : {"a", "b", "c"}) {
      auto r = c->ReadFrame(10000);
      REQUIRE(r);
      CHECK((*r)["id"] == id);
    }
  }
  // Whatever happened above, a newcomer is served.
  auto c = fresh();
  json r = c->Call(ScanRequest(kBlockText, kPublicAi));
  CHECK(Ok(r));
  CHECK(r["action"] == "block");
}

// Each of these used to take the whole service down (an uncaught nlohmann::json type_error in a
// connection thread, or a stack overflow copying a deeply nested id), so one local user could
// disable leak prevention for everyone with one frame.
TEST_CASE("agentd: wrong-typed fields and hostile ids never crash the service",
          "[agentd][malformed]") {
  Agentd d("hostile");
  d.Start();
  std::string deep_id = std::string(100000, '[') + std::string(100000, ']');
  std::vector<std::pair<std::string, std::string>> bad = {
      {"op is a number", R"({"v":1,"id":1,"op":5})"},
      {"op is an object", R"({"v":1,"id":1,"op":{"x":"scan"}})"},
      {"redact is a string",
       R"({"v":1,"id":1,"op":"scan","text":"a","channel":"paste","destination":"x","redact":"yes"})"},
      {"record is a string",
       R"({"v":1,"id":1,"op":"scan","text":"a","channel":"paste","destination":"x","record":"no"})"},
      {"id nested 100000 deep", R"({"v":1,"op":"status","id":)" + deep_id + "}"},
  };
  for (const auto& [name, payload] : bad) {
    INFO(name);
    Client c(d.socket());
    REQUIRE(c.SendFrame(payload));
    auto r = c.ReadFrame(10000);  // an error reply (or an answer) - but no crash
    CHECK(r.has_value());
    c.Close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int status = 0;
    bool died = d.Exited(&status);
    if (died) {
      std::string log = d.Log();
      FAIL_CHECK("dlp-agentd died (" << (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                                             : "exit " + std::to_string(WEXITSTATUS(status)))
                 << "); its log ends:\n" << log.substr(log.size() > 600 ? log.size() - 600 : 0));
      d.Start();  // for the next case
      continue;
    }
    Client next(d.socket());
    CHECK(Ok(next.Call({{"op", "status"}})));
  }
}

// ---- peer identity ----------------------------------------------------------------------------

namespace {

// The second user's side of the isolation test, run in a forked child after setuid: plain
// syscalls and the test client; results go back to the parent as one JSON object on `out`.
json SecondUserSide(const std::string& socket, const std::vector<int64_t>& others_ids,
                    int ready_fd, int go_fd) {
  json res;
  Client sub(socket);
  if (!sub.connected()) return {{"error", "connect: " + sub.last_error()}};
  res["subscribed"] = sub.Call({{"op", "subscribe"}});
  char byte = 'r';
  if (write(ready_fd, &byte, 1) != 1) return {{"error", "pipe"}};
  if (read(go_fd, &byte, 1) != 1) return {{"error", "pipe"}};  // the first user scanned again
  Client c(socket);
  res["history_before"] = c.Call({{"op", "history"}});
  json decides = json::array();
  for (int64_t id : others_ids)
    decides.push_back(c.Call({{"op", "decide"}, {"incident", id}, {"decision", "cancel"}}));
  res["decide_others"] = decides;
  res["own_scan"] = c.Call(ScanRequest(kWarnText, kPublicAi));
  res["history_after"] = c.Call({{"op", "history"}});
  json events = json::array();
  while (auto e = sub.NextEvent(2000)) {
    events.push_back(*e);
    if ((*e)["incident"]["incident"] == res["own_scan"].value("incident", json())) break;
  }
  res["events"] = events;
  return res;
}

}  // namespace

TEST_CASE("agentd: a second system user sees and decides none of the first user's incidents",
          "[agentd][isolation]") {
  if (geteuid() != 0) {
    WARN("SKIPPED: peer isolation needs root to create a second user and setuid() to it");
    return;
  }
  const char* useradd = access("/usr/sbin/useradd", X_OK) == 0 ? "/usr/sbin/useradd" : "/sbin/useradd";
  const char* userdel = access("/usr/sbin/userdel", X_OK) == 0 ? "/usr/sbin/userdel" : "/sbin/userdel";
  if (access(useradd, X_OK) != 0) {
    WARN("SKIPPED: no useradd on this system");
    return;
  }
  ProcessResult add = dlp::test::RunProcess(useradd, {"--system", "--no-create-home", "dlptest2"}, "");
  // 9: the user already exists (a previous run was interrupted): fine.
  REQUIRE((add.status == 0 || add.status == 9));
  struct UserRemover {
    const char* bin;
    ~UserRemover() { dlp::test::RunProcess(bin, {"dlptest2"}, ""); }
  } remover{userdel};
  passwd* pw = getpwnam("dlptest2");
  REQUIRE(pw != nullptr);
  const uid_t uid2 = pw->pw_uid;
  const gid_t gid2 = pw->pw_gid;

  // System mode: socket 0666 in a 0755 directory; every path still in the test's directory.
  AgentdOptions opt;
  opt.user_mode = false;
  Agentd d("isolation", opt);
  d.Start();
  struct stat st {};
  REQUIRE(stat(d.socket().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0666);

  Client root(d.socket());
  std::vector<int64_t> mine;
  for (const char* text : {kBlockText, kWarnText, kEmailText}) {
    json r = root.Call(ScanRequest(text, kPublicAi));
    REQUIRE(r.contains("incident"));
    mine.push_back(r["incident"].get<int64_t>());
  }

  int ready[2], go[2], out[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(go) == 0);
  REQUIRE(pipe(out) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(ready[0]);
    close(go[1]);
    close(out[0]);
    json res;
    if (setgroups(0, nullptr) != 0 || setgid(gid2) != 0 || setuid(uid2) != 0 || getuid() != uid2)
      res = {{"error", "setuid failed"}};
    else
      res = SecondUserSide(d.socket(), mine, ready[1], go[0]);
    res["uid"] = getuid();
    std::string s = res.dump(-1, ' ', false, json::error_handler_t::replace);
    for (size_t off = 0; off < s.size();) {
      ssize_t k = write(out[1], s.data() + off, s.size() - off);
      if (k <= 0) break;
      off += static_cast<size_t>(k);
    }
    _exit(0);
  }
  close(ready[1]);
  close(go[0]);
  close(out[1]);
  char byte = 0;
  bool child_ready = read(ready[0], &byte, 1) == 1;
  // While the second user is subscribed, the first one causes another incident: it must not
  // be pushed to the second user.
  json again = root.Call(ScanRequest(kBlockText, kPublicAi, "upload"));
  REQUIRE(again.contains("incident"));
  mine.push_back(again["incident"].get<int64_t>());
  byte = 'g';
  if (child_ready) REQUIRE(write(go[1], &byte, 1) == 1);
  close(go[1]);
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  close(out[0]);
  close(ready[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(child_ready);
  json res = json::parse(s, nullptr, false);
  INFO(s);
  REQUIRE(res.is_object());
  REQUIRE_FALSE(res.contains("error"));
  CHECK(res["uid"] == uid2);
  CHECK(Ok(res["subscribed"]));
  // Nothing of the first user's.
  REQUIRE(Ok(res["history_before"]));
  CHECK(res["history_before"]["incidents"].empty());
  REQUIRE(res["decide_others"].size() == 3);
  for (const auto& r : res["decide_others"]) CHECK(ErrorCode(r) == "forbidden");
  // Their own incident is theirs.
  REQUIRE(Ok(res["own_scan"]));
  int64_t theirs = res["own_scan"]["incident"].get<int64_t>();
  REQUIRE(res["history_after"]["incidents"].size() == 1);
  CHECK(res["history_after"]["incidents"][0]["incident"] == theirs);
  // Events: only their own incident reached their subscription.
  REQUIRE(res["events"].size() >= 1);
  for (const auto& e : res["events"]) CHECK(e["incident"]["incident"] == theirs);

  // And the other way round: root sees its own four, not the second user's, and cannot decide it.
  std::vector<int64_t> root_ids = AllHistoryIds(root);
  CHECK(std::set<int64_t>(root_ids.begin(), root_ids.end()) ==
        std::set<int64_t>(mine.begin(), mine.end()));
  CHECK(ErrorCode(root.Call({{"op", "decide"}, {"incident", theirs}, {"decision", "cancel"}})) ==
        "forbidden");
  // The audit log names each user as the kernel did, not as any message claimed.
  ProcessResult ex = d.Ctl({"audit", "export", "--format", "ndjson", "--db", d.audit_db()});
  REQUIRE(ex.status == 0);
  bool found = false;
  std::istringstream lines(ex.out);
  for (std::string line; std::getline(lines, line);) {
    json doc = json::parse(line);
    if (doc["event"]["id"] == std::to_string(theirs)) {
      found = true;
      CHECK(doc["user"]["id"] == std::to_string(uid2));
      CHECK(doc["user"]["name"] == "dlptest2");
    } else {
      CHECK(doc["user"]["id"] == "0");
    }
  }
  CHECK(found);
}

// ---- audit log --------------------------------------------------------------------------------

TEST_CASE("agentd: audit verify passes, then names an edited row, and export is ECS NDJSON",
          "[agentd][audit]") {
  Agentd d("audit");
  d.Start();
  Client c(d.socket());
  std::vector<int64_t> ids;
  for (const char* text : {kBlockText, kWarnText, kBlockText, kEmailText}) {
    json r = c.Call(ScanRequest(text, kPublicAi));
    REQUIRE(r.contains("incident"));
    ids.push_back(r["incident"].get<int64_t>());
  }
  REQUIRE(Ok(c.Call({{"op", "decide"}, {"incident", ids[1]}, {"decision", "continue"},
                     {"justification", "đã được phép"}})));
  // While the service runs (WAL readers do not stop it).
  ProcessResult v = d.Ctl({"audit", "verify", "--db", d.audit_db()});
  INFO(Out(v));
  CHECK(v.status == 0);
  CHECK(v.out.find("intact, 5 rows") != std::string::npos);

  ProcessResult ex = d.Ctl({"audit", "export", "--format", "ndjson", "--db", d.audit_db()});
  INFO(Out(ex));
  REQUIRE(ex.status == 0);
  REQUIRE(CountLines(ex.out) == 4);  // incidents only; the decision is folded into its incident
  json first = json::parse(ex.out.substr(0, ex.out.find('\n')));
  CHECK(first["@timestamp"].is_string());
  CHECK(first["event"]["action"] == "block");
  CHECK(first["event"]["outcome"] == "failure");
  CHECK(first["event"]["id"] == std::to_string(ids[0]));
  CHECK(first["event"]["hash"].get<std::string>().size() == 64);
  CHECK(first["rule"]["id"] == json::array({"vn.id.cccd"}));
  CHECK(first["url"]["original"] == kPublicAi);
  CHECK(first["destination"]["domain"] == "chatgpt.com");
  CHECK(first["user"]["id"] == std::to_string(getuid()));
  CHECK(first["dlp"]["masked"] == "00********45");
  CHECK(first["dlp"]["fingerprint"].get<std::string>().size() == 64);
  ProcessResult after = d.Ctl({"audit", "export", "--format", "ndjson", "--db", d.audit_db(),
                               "--after", std::to_string(ids[1])});
  REQUIRE(after.status == 0);
  CHECK(CountLines(after.out) == 2);
  CHECK(d.Ctl({"audit", "export", "--format", "csv", "--db", d.audit_db()}).status == 3);

  // Stop the service, then edit one row as someone with write access to the file would.
  REQUIRE(d.Stop() == 0);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(d.audit_db().c_str(), &db) == SQLITE_OK);
  std::string sql = "UPDATE events SET destination = 'https://intranet.example.vn' WHERE seq = " +
                    std::to_string(ids[2]);
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(sqlite3_changes(db) == 1);
  sqlite3_close(db);
  v = d.Ctl({"audit", "verify", "--db", d.audit_db()});
  INFO(Out(v));
  CHECK(v.status == 1);
  CHECK(v.out.find("TAMPERED") != std::string::npos);
  CHECK(v.out.find("row " + std::to_string(ids[2]) + ": hash mismatch") != std::string::npos);
  // The file is evidence: verifying left it where it was.
  CHECK(fs::exists(d.audit_db()));
  CHECK(d.Ctl({"audit", "verify", "--db", d.audit_db()}).status == 1);

  // No database, or not a database at all.
  ProcessResult none = d.Ctl({"audit", "verify", "--db", d.root() + "/nope.db"});
  CHECK(none.status == 3);
  CHECK_FALSE(fs::exists(d.root() + "/nope.db"));
  dlp::test::WriteFileBytes(d.root() + "/garbage.db", std::string(4096, 'x'));
  ProcessResult garbage = d.Ctl({"audit", "verify", "--db", d.root() + "/garbage.db"});
  CHECK(garbage.status == 1);
  CHECK(dlp::test::ReadFileBytes(d.root() + "/garbage.db") == std::string(4096, 'x'));
}

TEST_CASE("agentd: a corrupt audit database is moved aside and a fresh one started",
          "[agentd][audit]") {
  Agentd d("corruptdb");
  fs::create_directories(d.state_dir());
  dlp::test::WriteFileBytes(d.audit_db(), "this is not a database " + std::string(5000, '#'));
  d.Start();
  Client c(d.socket());
  json r = c.Call(ScanRequest(kBlockText, kPublicAi));
  REQUIRE(Ok(r));
  CHECK(r.contains("incident"));
  bool moved = false;
  for (const auto& e : fs::directory_iterator(d.state_dir()))
    moved |= e.path().filename().string().rfind("audit.db.corrupt-", 0) == 0;
  CHECK(moved);
  std::string log = d.Log();
  INFO(log);
  CHECK(log.find("audit.db.corrupt-") != std::string::npos);
  CHECK(d.Ctl({"audit", "verify", "--db", d.audit_db()}).status == 0);
}

// ---- rule bundles -----------------------------------------------------------------------------

TEST_CASE("agentd: a signed bundle is hot-swapped in, and rollback, garbage or untrusted ones "
          "change nothing", "[agentd][bundle]") {
  Agentd d("hotswap");
  d.Start();
  Client c(d.socket()), sub(d.socket());
  REQUIRE(Ok(sub.Call({{"op", "subscribe"}})));
  json before = c.Call(ScanRequest(kEmailText, kPublicAi));
  REQUIRE(before["action"] == "warn");

  std::string key_id = Keygen(d.root(), "officer");
  fs::copy_file(d.root() + "/keys/officer.pub", d.trusted_dir() + "/officer.pub");
  std::string pack = ModifiedPackDir(d.root());
  BuildBundleInto(d.root(), pack, "officer", 5, d.bundle_dir() + "/vn-default-5.dlpb");

  // Picked up by the directory poll within a few seconds, no reload asked.
  json s;
  bool swapped = WaitUntil([&] {
    s = Status(c);
    return s["bundle"]["version"] == 5;
  }, 30000);
  INFO(s.dump() << "\nlog:\n" << d.Log());
  REQUIRE(swapped);
  CHECK(s["bundle"]["source"] == "signed");
  CHECK(s["bundle"]["signer"] == key_id);
  CHECK(s["bundle"]["sha256"].get<std::string>().size() == 64);
  CHECK(s["health"] == "ok");
  json after = c.Call(ScanRequest(kEmailText, kPublicAi));
  CHECK(after["action"] == "block");
  CHECK(after["bundle"]["version"] == 5);
  // Subscribers hear of the swap (after the incident events of the scans above).
  std::optional<json> ev;
  while ((ev = sub.NextEvent(10000)) && (*ev)["event"] != "bundle") {}
  REQUIRE(ev);
  CHECK((*ev)["bundle"]["version"] == 5);
  CHECK((*ev)["bundle"]["signer"] == key_id);
  ProcessResult st = d.Ctl({"status"});
  CHECK(st.status == 0);
  CHECK(st.out.find("version 5, signed by key " + key_id) != std::string::npos);

  // A rollback: an older, validly signed bundle.
  BuildBundleInto(d.root(), pack, "officer", 3, d.bundle_dir() + "/vn-default-3.dlpb");
  json rr = c.Call({{"op", "reload"}});
  CHECK(rr["changed"] == false);
  CHECK(Status(c)["bundle"]["version"] == 5);

  // Garbage of several kinds.
  std::string v5 = dlp::test::ReadFileBytes(d.bundle_dir() + "/vn-default-5.dlpb");
  dlp::test::WriteFileBytes(d.bundle_dir() + "/empty.dlpb", "");
  dlp::test::WriteFileBytes(d.bundle_dir() + "/random.dlpb", std::string(3000, '\x5a') + "\x01\x02");
  dlp::test::WriteFileBytes(d.bundle_dir() + "/truncated.dlpb", v5.substr(0, v5.size() / 2));
  json g = c.Call({{"op", "reload"}});
  CHECK(g["changed"] == false);
  s = Status(c);
  CHECK(s["bundle"]["version"] == 5);
  REQUIRE(s["last_bundle_error"].is_object());
  CHECK(s["health"] == "degraded");
  std::string garbage_file = s["last_bundle_error"]["file"];
  CHECK((garbage_file.find("empty.dlpb") != std::string::npos ||
         garbage_file.find("random.dlpb") != std::string::npos ||
         garbage_file.find("truncated.dlpb") != std::string::npos));
  CHECK_FALSE(s["last_bundle_error"]["message"].get<std::string>().empty());

  // A newer bundle signed by a key the agent does not trust.
  Keygen(d.root(), "intruder");
  BuildBundleInto(d.root(), pack, "intruder", 6, d.bundle_dir() + "/vn-default-6.dlpb");
  json u = c.Call({{"op", "reload"}});
  CHECK(u["changed"] == false);
  s = Status(c);
  CHECK(s["bundle"]["version"] == 5);
  CHECK(s["bundle"]["signer"] == key_id);
  REQUIRE(s["last_bundle_error"].is_object());
  CHECK(s["last_bundle_error"]["file"].get<std::string>().find("vn-default-6.dlpb") !=
        std::string::npos);

  // A newer bundle from the trusted key with one pack file changed after signing.
  BuildBundleInto(d.root(), pack, "officer", 7, d.root() + "/staging-v7.dlpb");
  std::string v7 = dlp::test::ReadFileBytes(d.root() + "/staging-v7.dlpb");
  size_t at = v7.find("severity: high");
  REQUIRE(at != std::string::npos);
  v7.replace(at, 14, "severity: info");  // same size: only the hash can tell
  dlp::test::WriteFileBytes(d.bundle_dir() + "/vn-default-7.dlpb", v7);
  c.Call({{"op", "reload"}});
  s = Status(c);
  CHECK(s["bundle"]["version"] == 5);
  CHECK(s["last_bundle_error"]["file"].get<std::string>().find("vn-default-7.dlpb") !=
        std::string::npos);
  CHECK(c.Call(ScanRequest(kEmailText, kPublicAi))["action"] == "block");
  ProcessResult rl = d.Ctl({"reload"});
  CHECK(rl.status == 0);
  CHECK(rl.out.find("last bundle error") != std::string::npos);
  // Still serving, same rules.
  CHECK(c.Call(ScanRequest(kBlockText, kPublicAi))["action"] == "block");
}

TEST_CASE("agentd: after a restart the newest signed bundle is still active, from the cache",
          "[agentd][bundle]") {
  Agentd d("restart");
  d.Start();
  std::string key_id = Keygen(d.root(), "officer");
  fs::copy_file(d.root() + "/keys/officer.pub", d.trusted_dir() + "/officer.pub");
  BuildBundleInto(d.root(), ModifiedPackDir(d.root()), "officer", 5,
                  d.bundle_dir() + "/vn-default-5.dlpb");
  {
    Client c(d.socket());
    json r = c.Call({{"op", "reload"}});
    REQUIRE(r["changed"] == true);
    REQUIRE(r["bundle"]["version"] == 5);
  }
  REQUIRE(d.Stop() == 0);
  size_t log_before = d.Log().size();
  d.Start();
  Client c(d.socket());
  json s = Status(c);
  std::string log = d.Log().substr(log_before);
  INFO(s.dump() << "\nlog of the second run:\n" << log);
  CHECK(s["bundle"]["version"] == 5);
  CHECK(s["bundle"]["source"] == "signed");
  CHECK(s["bundle"]["signer"] == key_id);
  CHECK(s["last_bundle_error"].is_null());
  CHECK(c.Call(ScanRequest(kEmailText, kPublicAi))["action"] == "block");
  CHECK(log.find("activated vn-default version 5") != std::string::npos);
  CHECK(log.find("(cached databases)") != std::string::npos);
}

// ---- faults -----------------------------------------------------------------------------------

TEST_CASE("agentd: SIGKILL in the middle of a burst loses no acknowledged incident",
          "[agentd][faults]") {
  Agentd d("sigkill");
  d.Start();
  constexpr int kThreads = 3, kScans = 300, kKillAfter = 60;
  const pid_t pid = d.pid();
  std::mutex mu;
  std::vector<int64_t> acknowledged;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client c(d.socket());
      for (int i = 0; i < kScans; ++i) {
        json r = c.Call(ScanRequest((i + t) % 2 ? kBlockText : kWarnText, kPublicAi), 20000);
        if (!Ok(r)) break;  // the service is gone
        if (!r.contains("incident")) continue;
        std::lock_guard<std::mutex> lock(mu);
        acknowledged.push_back(r["incident"].get<int64_t>());
        // Killed from here, at once, while the other clients' scans are in flight.
        if (acknowledged.size() == kKillAfter) kill(pid, SIGKILL);
      }
    });
  }
  for (auto& th : threads) th.join();
  d.Kill();  // reaps it
  INFO(acknowledged.size() << " incidents acknowledged before SIGKILL");
  REQUIRE(acknowledged.size() >= static_cast<size_t>(kKillAfter));
  CHECK(acknowledged.size() < static_cast<size_t>(kThreads * kScans));  // it really was midway

  d.Start();
  Client c(d.socket());
  std::vector<int64_t> history = AllHistoryIds(c);
  std::set<int64_t> recorded(history.begin(), history.end());
  std::vector<int64_t> lost;
  for (int64_t id : acknowledged)
    if (!recorded.count(id)) lost.push_back(id);
  CHECK(lost.empty());
  // At most the scans in flight at the kill were recorded without a reply.
  CHECK(recorded.size() <= acknowledged.size() + kThreads);
  ProcessResult v = d.Ctl({"audit", "verify", "--db", d.audit_db()});
  INFO(Out(v));
  CHECK(v.status == 0);
  // And it goes on numbering after the survivors.
  json r = c.Call(ScanRequest(kBlockText, kPublicAi));
  REQUIRE(r.contains("incident"));
  CHECK(r["incident"].get<int64_t>() > *recorded.rbegin());
}

TEST_CASE("agentd: no raw secret reaches the disk or the log", "[agentd][privacy]") {
  Agentd d("privacy");
  d.Start();
  Client c(d.socket()), sub(d.socket());
  REQUIRE(Ok(sub.Call({{"op", "subscribe"}})));
  const std::vector<std::string> texts = {
      "CCCD của ông Hùng: 001085012345",
      "Thanh toán bằng thẻ 4111 1111 1111 1111 hết hạn 12/27",
      "Tài khoản quản trị, password: Abc@12345",
      "Tổng hợp: CCCD 001085012345, thẻ 4111111111111111, mật khẩu: Abc@12345",
  };
  int64_t warn_id = 0;
  std::set<std::string> types;
  for (const auto& text : texts)
    for (const char* dest : {kPublicAi, "https://intranet.example.vn/upload", "approved_ai"})
      for (const char* ch : {"paste", "upload"}) {
        json req = ScanRequest(text, dest, ch);
        req["redact"] = true;
        json r = c.Call(req);
        REQUIRE(Ok(r));
        for (const auto& f : r["findings"]) types.insert(f["type"].get<std::string>());
        if (r["action"] == "warn" && warn_id == 0) warn_id = r["incident"].get<int64_t>();
      }
  // Every secret was found (so it went through masking, fingerprinting and the audit log).
  for (const char* type : {"cccd", "credit_card", "credential"}) CHECK(types.count(type) == 1);
  if (warn_id) {
    REQUIRE(Ok(c.Call({{"op", "decide"}, {"incident", warn_id}, {"decision", "false_alarm"},
                       {"justification", "dữ liệu thử nghiệm"}})));
  }
  REQUIRE(Ok(c.Call({{"op", "history"}, {"limit", 200}})));
  // SIGKILL: whatever sits un-checkpointed in the WAL stays there to be searched.
  d.Kill();
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(d.state_dir()))
    if (e.is_regular_file()) files.push_back(e.path().filename().string());
  INFO("state files: " << json(files).dump());
  CHECK(fs::exists(d.audit_db() + "-wal"));
  for (const auto& secret : kRawSecrets) {
    INFO(secret);
    CHECK(FilesContaining(d.state_dir(), secret).empty());
    CHECK(d.Log().find(secret) == std::string::npos);
  }
  // The search did look at the right bytes: the masked excerpts are there.
  CHECK_FALSE(FilesContaining(d.state_dir(), "00********45").empty());
  // After a clean restart and stop (checkpointed into the main file) too.
  d.Start();
  REQUIRE(d.Stop() == 0);
  for (const auto& secret : kRawSecrets) {
    INFO(secret);
    CHECK(FilesContaining(d.state_dir(), secret).empty());
    CHECK(d.Log().find(secret) == std::string::npos);
  }
}

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
