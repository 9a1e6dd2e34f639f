// The audit log's store: history isolation and paging, recovery from a corrupt or newer
// database, the install key, the ECS export, and that no raw value ever reaches the files.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit_test_util.h"

namespace {

namespace fs = std::filesystem;
using dlp::Status;
using dlp::audit::AuditLog;
using dlp::audit::Incident;
using dlp::test::Add;
using dlp::test::Env;
using dlp::test::Fresh;
using dlp::test::HistoryIds;
using dlp::test::RawSql;
using dlp::test::Reopen;
using dlp::test::Sample;
using dlp::test::VerifyProblem;

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
