// The audit log: history isolation and paging, decision rules, the hash chain catching edits and
// deletions (made with the sqlite3 C API, as an attacker would), retention that keeps the chain
// verifiable, recovery from a corrupt or newer database, concurrency, the install key, the ECS
// export, and that no raw value ever reaches the files.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "audit/audit_log.h"

namespace {

namespace fs = std::filesystem;
using dlp::Status;
using dlp::audit::AuditLog;
using dlp::audit::Incident;

struct Env {
  std::string dir, db, key;
  std::unique_ptr<AuditLog> log;
  std::string note;
};

Env Fresh(const std::string& name) {
  Env e;
  e.dir = std::string(DLP_TEST_TMP) + "/audit_" + name;
  fs::remove_all(e.dir);
  fs::create_directories(e.dir);
  e.db = e.dir + "/audit.db";
  e.key = e.dir + "/audit.key";
  return e;
}

void Reopen(Env* e) {
  e->log.reset();
  Status s = AuditLog::Open(e->db, e->key, &e->log, &e->note);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

// A typical record, already masked and fingerprinted as the service would pass it.
// A typical record, already masked, as the service passes it.
Incident Sample(uint32_t uid, const std::string& action = "warn") {
  Incident i;
  i.uid = uid;
  i.user = "user" + std::to_string(uid);
  i.host = "pc-01.bocongan.local";
  i.channel = "paste";
  i.destination = "https://chat.openai.com/c/1";
  i.group = "public_ai";
  i.action = action;
  i.rules = {"vn.id.cccd"};
  i.types = {"cccd"};
  i.count = 1;
  i.masked = "00********45";
  i.bundle = "vn-default 2026112201";
  return i;
}

// The ids of uid's history page.
std::vector<int64_t> HistoryIds(AuditLog* log, uint32_t uid, int64_t before, int limit,
                                std::vector<Incident>* page) {
  Status s = log->History(uid, before, limit, page);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::vector<int64_t> ids;
  for (const auto& inc : *page) ids.push_back(inc.id);
  return ids;
}

int64_t Add(AuditLog* log, Incident inc) {
  Status s = log->Append(&inc);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return inc.id;
}

void RawSql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  INFO(msg);
  REQUIRE(rc == SQLITE_OK);
}

std::string VerifyProblem(AuditLog* log, uint64_t* rows = nullptr) {
  uint64_t n = 0;
  std::string problem;
  Status s = log->Verify(&n, &problem);
  CHECK(s.ok() == problem.empty());
  if (rows) *rows = n;
  return problem;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool HasAside(const std::string& dir) {
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().filename().string().rfind("audit.db.corrupt-", 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("audit: history is newest first, paged, and only the caller's", "[audit]") {
  Env e = Fresh("history");
  Reopen(&e);
  std::vector<int64_t> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(Add(e.log.get(), Sample(1000)));
    Add(e.log.get(), Sample(1001, "block"));
  }
  using Ids = std::vector<int64_t>;
  std::vector<Incident> page;
  CHECK(HistoryIds(e.log.get(), 1000, 0, 2, &page) == Ids{mine[4], mine[3]});
  CHECK(std::regex_match(page[0].time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(page[0].rules == std::vector<std::string>{"vn.id.cccd"});
  CHECK(page[0].masked == "00********45");
  CHECK(HistoryIds(e.log.get(), 1000, mine[3], 10, &page) == Ids{mine[2], mine[1], mine[0]});
  CHECK(HistoryIds(e.log.get(), 1001, 0, 50, &page).size() == 5);
  for (const auto& inc : page) CHECK(inc.uid == 1001);
  CHECK(HistoryIds(e.log.get(), 4242, 0, 50, &page).empty());
  CHECK(e.log->History(1000, 0, 0, &page).code() == Status::Code::kInvalidArgument);

  Incident bad = Sample(1000, "maybe");
  CHECK(e.log->Append(&bad).code() == Status::Code::kInvalidArgument);
  bad = Sample(1000);
  bad.fingerprint = "079912345678";  // a raw value where a fingerprint belongs
  CHECK(e.log->Append(&bad).code() == Status::Code::kInvalidArgument);
}

TEST_CASE("audit: decisions are the owner's, once, and never continue a block", "[audit]") {
  Env e = Fresh("decide");
  Reopen(&e);
  int64_t warn = Add(e.log.get(), Sample(1000, "warn"));
  int64_t block = Add(e.log.get(), Sample(1000, "block"));
  auto forbidden = [](const Status& s) {
    return s.code() == Status::Code::kInvalidArgument && s.message().rfind("forbidden:", 0) == 0;
  };
  Incident upd;
  CHECK(e.log->Decide(9999, 1000, "cancel", "", &upd).code() == Status::Code::kNotFound);
  CHECK(forbidden(e.log->Decide(warn, 1001, "cancel", "", &upd)));
  CHECK(forbidden(e.log->Decide(block, 1000, "continue", "need it", &upd)));
  Status unknown = e.log->Decide(warn, 1000, "ignore", "", &upd);
  CHECK(unknown.code() == Status::Code::kInvalidArgument);
  CHECK_FALSE(forbidden(unknown));

  REQUIRE(e.log->Decide(warn, 1000, "continue", "báo cáo gửi Sở", &upd).ok());
  CHECK(upd.id == warn);
  CHECK(upd.decision == "continue");
  CHECK(upd.justification == "báo cáo gửi Sở");
  CHECK_FALSE(upd.decided_at.empty());
  CHECK(forbidden(e.log->Decide(warn, 1000, "cancel", "", &upd)));  // once only
  REQUIRE(e.log->Decide(block, 1000, "false_alarm", "test data", &upd).ok());

  std::vector<Incident> page;
  REQUIRE(HistoryIds(e.log.get(), 1000, 0, 10, &page) == std::vector<int64_t>{block, warn});
  CHECK(page[0].decision == "false_alarm");
  CHECK(page[1].decision == "continue");
  CHECK(page[1].justification == "báo cáo gửi Sở");
  uint64_t rows = 0;
  CHECK(VerifyProblem(e.log.get(), &rows).empty());
  CHECK(rows == 4);  // two incidents, two decision rows
}

TEST_CASE("audit: Verify finds edited, deleted and truncated rows", "[audit]") {
  Env e = Fresh("verify");
  Reopen(&e);
  for (int i = 0; i < 5; ++i) Add(e.log.get(), Sample(1000));
  uint64_t rows = 0;
  REQUIRE(VerifyProblem(e.log.get(), &rows).empty());
  CHECK(rows == 5);

  SECTION("an edited incident") {
    RawSql(e.db, "UPDATE events SET action = 'allow' WHERE seq = 3");
    CHECK(VerifyProblem(e.log.get()) == "row 3: hash mismatch (edited)");
  }
  SECTION("a deleted middle row") {
    RawSql(e.db, "DELETE FROM events WHERE seq = 3");
    std::string p = VerifyProblem(e.log.get());
    CHECK(p.rfind("row 4: prev_hash does not match row 2", 0) == 0);
    CHECK(p.find("row 3 deleted") != std::string::npos);
  }
  SECTION("the newest row deleted") {
    RawSql(e.db, "DELETE FROM events WHERE seq = 5");
    CHECK(VerifyProblem(e.log.get()).find("newest rows deleted") != std::string::npos);
  }
  SECTION("an edited decision") {
    REQUIRE(e.log->Decide(2, 1000, "cancel", "", nullptr).ok());
    RawSql(e.db, "UPDATE events SET decision = 'continue' WHERE kind = 'decision'");
    CHECK(VerifyProblem(e.log.get()) == "row 6: hash mismatch (edited)");
  }
}

TEST_CASE("audit: retention removes old rows and the chain still verifies", "[audit]") {
  Env e = Fresh("retention");
  Reopen(&e);
  auto t = std::chrono::system_clock::now() - std::chrono::hours(24 * 30);
  e.log->SetClockForTesting([&t] { return t; });
  int64_t old_a = Add(e.log.get(), Sample(1000));
  int64_t old_b = Add(e.log.get(), Sample(1000));
  REQUIRE(e.log->Decide(old_b, 1000, "cancel", "", nullptr).ok());
  int64_t old_c = Add(e.log.get(), Sample(1000));
  t += std::chrono::hours(24 * 10);
  int64_t recent = Add(e.log.get(), Sample(1000));
  REQUIRE(e.log->Decide(old_c, 1000, "cancel", "", nullptr).ok());  // old, decided recently

  uint64_t removed = 0;
  REQUIRE(e.log->ApplyRetention(5, &removed).ok());
  CHECK(removed == 3);  // a, b and b's decision; c stays until its decision is old too
  std::vector<Incident> page;
  REQUIRE(HistoryIds(e.log.get(), 1000, 0, 10, &page) == std::vector<int64_t>{recent, old_c});
  CHECK(page[1].decision == "cancel");
  CHECK(VerifyProblem(e.log.get()).empty());
  CHECK(e.log->Decide(old_a, 1000, "cancel", "", nullptr).code() == Status::Code::kNotFound);

  t += std::chrono::hours(24 * 10);
  REQUIRE(e.log->ApplyRetention(5, &removed).ok());
  CHECK(removed == 3);
  uint64_t rows = 99;
  CHECK(VerifyProblem(e.log.get(), &rows).empty());
  CHECK(rows == 0);
  int64_t next = Add(e.log.get(), Sample(1000));
  CHECK(next > recent);  // ids are never reused
  CHECK(VerifyProblem(e.log.get()).empty());
  RawSql(e.db, "UPDATE events SET masked = 'x' WHERE seq = " + std::to_string(next));
  CHECK(VerifyProblem(e.log.get()).find("hash mismatch") != std::string::npos);
}

TEST_CASE("audit: a corrupt, newer or foreign database is moved aside", "[audit]") {
  Env e = Fresh("corrupt");
  Reopen(&e);
  CHECK(e.note.empty());
  Add(e.log.get(), Sample(1000));
  e.log.reset();
  std::string why;
  SECTION("garbage over the file") {
    std::ofstream(e.db, std::ios::binary | std::ios::trunc) << std::string(8192, '\x5a');
    why = "not a database";
  }
  SECTION("a damaged page") {  // page 2 is the events table's root; its header is smashed
    std::fstream f(e.db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    f << std::string(16, '\xff');
    why = "quick_check";
  }
  SECTION("a newer schema") {
    RawSql(e.db, "PRAGMA user_version = 99");
    why = "newer";
  }
  SECTION("some other SQLite file") {
    fs::remove(e.db);
    RawSql(e.db, "CREATE TABLE notes(x)");
    why = "not a dlp audit log";
  }
  Reopen(&e);
  INFO(e.note);
  CHECK(e.note.find("moved it to " + e.db + ".corrupt-") != std::string::npos);
  CHECK(e.note.find(why) != std::string::npos);
  CHECK(e.note.find('\n') == std::string::npos);
  CHECK(HasAside(e.dir));
  std::vector<Incident> page;
  CHECK(HistoryIds(e.log.get(), 1000, 0, 10, &page).empty());
  CHECK(Add(e.log.get(), Sample(1000)) == 1);
  CHECK(VerifyProblem(e.log.get()).empty());
}

TEST_CASE("audit: errors that are not corruption touch nothing and throw nothing", "[audit]") {
  Env e = Fresh("noparent");
  std::unique_ptr<AuditLog> log;
  CHECK_FALSE(AuditLog::Open(e.dir + "/missing/audit.db", e.key, &log, &e.note).ok());
  CHECK(log == nullptr);
}

TEST_CASE("audit: concurrent appends form one intact chain", "[audit]") {
  Env e = Fresh("threads");
  Reopen(&e);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, bad_verifies{0};
  std::thread verifier([&] {  // snapshots stay consistent while the chain grows
    while (!done) {  // no Catch2 macros off the main thread: they are not thread-safe
      uint64_t n = 0;
      std::string problem;
      if (!e.log->Verify(&n, &problem).ok()) ++bad_verifies;
    }
  });
  std::vector<std::thread> writers;
  for (uint32_t t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Incident inc = Sample(2000 + t);
        if (!e.log->Append(&inc).ok()) ++failures;
      }
    });
  for (auto& w : writers) w.join();
  done = true;
  verifier.join();
  CHECK(failures == 0);
  CHECK(bad_verifies == 0);
  uint64_t rows = 0;
  CHECK(VerifyProblem(e.log.get(), &rows).empty());
  CHECK(rows == 800);
  std::vector<Incident> page;
  for (uint32_t t = 0; t < 4; ++t)
    CHECK(HistoryIds(e.log.get(), 2000 + t, 0, 1000, &page).size() == 200);
}

TEST_CASE("audit: the install key is private and stable", "[audit]") {
  Env e = Fresh("key");
  Reopen(&e);
  struct stat st {};
  REQUIRE(::stat(e.key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  REQUIRE(::stat(e.db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string fp = e.log->Fingerprint("079912345678");
  CHECK(std::regex_match(fp, std::regex("[0-9a-f]{64}")));
  CHECK(fp != e.log->Fingerprint("079912345679"));
  Reopen(&e);
  CHECK(e.log->Fingerprint("079912345678") == fp);

  Env other = Fresh("key_other");
  Reopen(&other);
  CHECK(other.log->Fingerprint("079912345678") != fp);  // keyed: another install cannot match

  e.log.reset();
  std::ofstream(e.key, std::ios::trunc) << "short";
  Reopen(&e);
  CHECK(e.note.find("instead of 32") != std::string::npos);
  CHECK(e.log->Fingerprint("079912345678") != fp);
}

TEST_CASE("audit: NDJSON export uses ECS field names", "[audit]") {
  Env e = Fresh("export");
  Reopen(&e);
  Incident a = Sample(1000, "warn");
  a.fingerprint = e.log->Fingerprint("079912345678");
  REQUIRE(e.log->Append(&a).ok());
  Incident b = Sample(1001, "block");
  b.destination = "org.telegram.desktop";
  REQUIRE(e.log->Append(&b).ok());
  REQUIRE(e.log->Decide(a.id, 1000, "continue", "ok", nullptr).ok());

  std::stringstream out;
  REQUIRE(e.log->ExportNdjson(out).ok());
  std::vector<nlohmann::json> docs;
  for (std::string line; std::getline(out, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    docs.push_back(j);
  }
  REQUIRE(docs.size() == 2);
  using nlohmann::json;
  const json& d = docs[0];
  CHECK(d["@timestamp"] == a.time);
  CHECK(d["event"]["kind"] == "alert");
  CHECK(d["event"]["action"] == "warn");
  CHECK(d["event"]["outcome"] == "success");
  CHECK(d["event"]["id"] == std::to_string(a.id));
  CHECK(d["event"]["hash"].get<std::string>().size() == 64);
  CHECK(d["rule"] == json{{"id", {"vn.id.cccd"}}, {"ruleset", "vn-default"},
                          {"version", "2026112201"}});
  CHECK(d["user"] == json{{"id", "1000"}, {"name", "user1000"}});
  CHECK(d["host"]["name"] == "pc-01.bocongan.local");
  CHECK(d["url"]["original"] == "https://chat.openai.com/c/1");
  CHECK(d["destination"]["domain"] == "chat.openai.com");
  CHECK(d["dlp"]["fingerprint"] == a.fingerprint);
  CHECK(d["dlp"]["decision"] == "continue");
  CHECK(d["dlp"]["types"] == json::array({"cccd"}));
  CHECK(docs[1]["event"]["outcome"] == "failure");
  CHECK_FALSE(docs[1].contains("url"));

  std::stringstream tail;
  REQUIRE(e.log->ExportNdjson(tail, a.id).ok());
  std::string text = tail.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
}

TEST_CASE("audit: no raw value reaches the database files", "[audit][privacy]") {
  Env e = Fresh("privacy");
  Reopen(&e);
  const std::string raw_id = "079912345678";                     // only ever fingerprinted
  const std::string raw_mail = "nguyen.van.an@bocongan.gov.vn";  // only its masked form passes
  Incident inc = Sample(1000);
  inc.fingerprint = e.log->Fingerprint(raw_id + "\n" + raw_mail);
  inc.masked = "07********78 ng***********@bocongan.gov.vn";
  REQUIRE(e.log->Append(&inc).ok());
  REQUIRE(e.log->Decide(inc.id, 1000, "false_alarm", "số thử nghiệm", nullptr).ok());
  auto scan = [&](const char* when) {
    for (const auto& f : fs::directory_iterator(e.dir)) {
      std::string bytes = Slurp(f.path());
      INFO(when << ": " << f.path());
      CHECK(bytes.find(raw_id) == std::string::npos);
      CHECK(bytes.find(raw_mail) == std::string::npos);
    }
  };
  CHECK(fs::exists(e.db + "-wal"));
  scan("while open (db and -wal)");
  e.log.reset();
  scan("after close");
}
