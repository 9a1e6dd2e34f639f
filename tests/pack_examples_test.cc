// Every rule of the built-in pack carries examples and negative examples; each must behave as
// written through the real engine (Nosey Parker's "rules check", run on every build).
#include <catch2/catch.hpp>

#include "test_util.h"

using dlp::test::DefaultEngine;
using dlp::test::RuleIds;
using dlp::test::Scan;

TEST_CASE("every rule fires on each of its examples", "[pack]") {
  for (const auto& rule : DefaultEngine().pack().rules) {
    for (const auto& ex : rule.examples) {
      INFO("rule " << rule.id << " (" << rule.file << ":" << rule.line << ") example: " << ex);
      CHECK(RuleIds(Scan(ex)).count(rule.id) == 1);
    }
  }
}

TEST_CASE("no rule fires on its negative examples", "[pack]") {
  for (const auto& rule : DefaultEngine().pack().rules) {
    for (const auto& ex : rule.negative_examples) {
      INFO("rule " << rule.id << " (" << rule.file << ":" << rule.line << ") negative: " << ex);
      CHECK(RuleIds(Scan(ex)).count(rule.id) == 0);
    }
  }
}

TEST_CASE("the built-in pack covers the whole finding vocabulary", "[pack]") {
  std::set<std::string> types;
  for (const auto& r : DefaultEngine().pack().rules) types.insert(r.type);
  for (const auto& a : DefaultEngine().pack().aggregates) types.insert(a.type);
  for (const char* t : {"secret_marking", "secret_handling_mark", "circulation_mark",
                        "urgency_mark", "party_doc_number", "state_doc_number", "cccd", "cmnd",
                        "mst", "bhxh", "bhyt", "passport", "phone", "email", "bank_account",
                        "credit_card", "iban", "vietqr", "license_plate", "sensitive_personal",
                        "credential", "bulk_personal"}) {
    INFO("type " << t);
    CHECK(types.count(t) == 1);
  }
}
