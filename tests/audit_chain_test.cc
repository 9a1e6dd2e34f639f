// The audit log's hash chain: decision rules, the chain catching edits and deletions (made with
// the sqlite3 C API, as an attacker would), retention that keeps the chain verifiable, and
// concurrent appends.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "audit_test_util.h"

namespace {

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

}  // namespace

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
