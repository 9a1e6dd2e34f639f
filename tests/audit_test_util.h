// Helpers shared by the audit log tests (audit_chain_test.cc, audit_store_test.cc): a fresh log
// in its own directory under DLP_TEST_TMP, typical records, and raw SQL on the database file.
#ifndef DLP_TESTS_AUDIT_TEST_UTIL_H_
#define DLP_TESTS_AUDIT_TEST_UTIL_H_

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"

namespace dlp::test {

struct Env {
  std::string dir, db, key;
  std::unique_ptr<audit::AuditLog> log;
  std::string note;
};

inline Env Fresh(const std::string& name) {
  Env e;
  e.dir = std::string(DLP_TEST_TMP) + "/audit_" + name;
  std::filesystem::remove_all(e.dir);
  std::filesystem::create_directories(e.dir);
  e.db = e.dir + "/audit.db";
  e.key = e.dir + "/audit.key";
  return e;
}

inline void Reopen(Env* e) {
  e->log.reset();
  Status s = audit::AuditLog::Open(e->db, e->key, &e->log, &e->note);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

// A typical record, already masked and fingerprinted as the service would pass it.
// A typical record, already masked, as the service passes it.
inline audit::Incident Sample(uint32_t uid, const std::string& action = "warn") {
  audit::Incident i;
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
inline std::vector<int64_t> HistoryIds(audit::AuditLog* log, uint32_t uid, int64_t before,
                                       int limit, std::vector<audit::Incident>* page) {
  Status s = log->History(uid, before, limit, page);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::vector<int64_t> ids;
  for (const auto& inc : *page) ids.push_back(inc.id);
  return ids;
}

inline int64_t Add(audit::AuditLog* log, audit::Incident inc) {
  Status s = log->Append(&inc);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return inc.id;
}

inline void RawSql(const std::string& db, const std::string& sql) {
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

inline std::string VerifyProblem(audit::AuditLog* log, uint64_t* rows = nullptr) {
  uint64_t n = 0;
  std::string problem;
  Status s = log->Verify(&n, &problem);
  CHECK(s.ok() == problem.empty());
  if (rows) *rows = n;
  return problem;
}

}  // namespace dlp::test

#endif  // DLP_TESTS_AUDIT_TEST_UTIL_H_
