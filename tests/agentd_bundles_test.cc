// dlp-agentd rule bundles and restarts: signed bundles hot-swapped in (and bad ones refused),
// the active bundle after a restart, and no acknowledged incident lost to a SIGKILL.
//
// dlp-agentd as it runs: the real service binary as a child process, spoken to over its real
// socket (and through dlp-agentctl). Each TEST_CASE starts its own daemon in a fresh directory.
//
// Catch2 (v2) assertions are not thread-safe: threads in these tests only collect results, and
// the test's own thread checks them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::AllHistoryIds;
using dlp::test::Client;
using dlp::test::Ok;
using dlp::test::Out;
using dlp::test::ProcessResult;
using dlp::test::ScanRequest;
using dlp::test::Status;
using dlp::test::WaitUntil;
using dlp::test::kBlockText;
using dlp::test::kEmailText;
using dlp::test::kPublicAi;
using dlp::test::kWarnText;

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

}  // namespace

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
