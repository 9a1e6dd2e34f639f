#include "test_util.h"

#include <catch2/catch.hpp>

namespace dlp::test {

const Engine& DefaultEngine() {
  static std::unique_ptr<Engine> engine = [] {
    RulePack pack;
    Status s = LoadDefaultPack(&pack);
    if (!s.ok()) FAIL("default pack: " << s.ToString());
    std::unique_ptr<Engine> e;
    s = Engine::Create(std::move(pack), &e);
    if (!s.ok()) FAIL("compile default pack: " << s.ToString());
    return e;
  }();
  return *engine;
}

ScanResult Scan(std::string_view text, const std::string& destination) {
  ScanOptions o;
  o.destination = destination;
  o.current_year = 2026;
  ScanResult r;
  Status s = DefaultEngine().Scan(text, o, &r);
  REQUIRE(s.ok());
  return r;
}

std::set<std::string> Types(const ScanResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) out.insert(f.type);
  return out;
}

std::set<std::string> RuleIds(const ScanResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) out.insert(f.rule_id);
  return out;
}

}  // namespace dlp::test
