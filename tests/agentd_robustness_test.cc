// dlp-agentd under load and abuse: many clients at once, stalled clients, malformed frames and
// hostile fields.
//
// dlp-agentd as it runs: the real service binary as a child process, spoken to over its real
// socket (and through dlp-agentctl). Each TEST_CASE starts its own daemon in a fresh directory.
//
// Catch2 (v2) assertions are not thread-safe: threads in these tests only collect results, and
// the test's own thread checks them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
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
using dlp::test::kAllowText;
using dlp::test::kBlockText;
using dlp::test::kPublicAi;
using dlp::test::kWarnText;
using dlp::test::kWarnValue;
using Clock = std::chrono::steady_clock;

std::string Frame(const std::string& payload) {
  return dlp::test::LengthPrefix(static_cast<uint32_t>(payload.size())) + payload;
}

}  // namespace

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
