// dlp-agentd security: one user's incidents are invisible to another, the audit log shows
// tampering and survives corruption, and no raw secret reaches the disk or the log.
//
// dlp-agentd as it runs: the real service binary as a child process, spoken to over its real
// socket (and through dlp-agentctl). Each TEST_CASE starts its own daemon in a fresh directory.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <grp.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::AgentdOptions;
using dlp::test::AllHistoryIds;
using dlp::test::Client;
using dlp::test::CountLines;
using dlp::test::ErrorCode;
using dlp::test::Ok;
using dlp::test::Out;
using dlp::test::ProcessResult;
using dlp::test::ScanRequest;
using dlp::test::kBlockText;
using dlp::test::kEmailText;
using dlp::test::kPublicAi;
using dlp::test::kWarnText;

// The synthetic secrets that must never reach the disk, in every spelling a leak could take.
const std::vector<std::string> kRawSecrets = {"001085012345", "4111 1111 1111 1111",
                                              "4111111111111111", "Abc@12345"};

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

}  // namespace

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

// ---- privacy ----------------------------------------------------------------------------------

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
