// Broken packs fail whole, with the file, line and rule id at fault.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "dlp/default_pack.h"
#include "dlp/engine.h"

namespace {

const char kPolicy[] = R"(format: 1
policy:
  groups:
    - name: other
      actions: {info: allow, low: allow, medium: warn, high: block, critical: block}
)";

std::string RuleFile(const std::string& extra, const std::string& pattern = "'[0-9]{9}'") {
  return "format: 1\nrules:\n  - id: t.rule\n    type: cmnd\n    severity: high\n"
         "    name: {vi: a, en: a}\n    explanation: {vi: b, en: b}\n    patterns: [" + pattern +
         "]\n    examples: [x, y]\n    negative_examples: [z, w]\n" + extra;
}

dlp::Status Load(const std::string& rules, dlp::RulePack* pack) {
  return dlp::LoadPack({{"policy.yaml", kPolicy}, {"t.yaml", rules}}, pack);
}

dlp::Status LoadAndCompile(const std::string& rules) {
  dlp::RulePack pack;
  if (dlp::Status s = Load(rules, &pack); !s.ok()) return s;
  std::unique_ptr<dlp::Engine> e;
  return dlp::Engine::Create(std::move(pack), &e);
}

}  // namespace

TEST_CASE("the built-in pack loads and compiles", "[pack]") {
  dlp::RulePack pack;
  REQUIRE(dlp::LoadDefaultPack(&pack).ok());
  CHECK(pack.rules.size() >= 20);
  std::unique_ptr<dlp::Engine> e;
  CHECK(dlp::Engine::Create(std::move(pack), &e).ok());
}

TEST_CASE("a minimal valid pack loads", "[pack]") {
  CHECK(LoadAndCompile(RuleFile("")).ok());
}

TEST_CASE("broken packs are rejected with file, line and rule id", "[pack][badinput]") {
  struct Case { std::string yaml; std::string want; };
  std::vector<Case> cases = {
      {"format: 1\nrules: [\n  - id: x\n", "t.yaml:"},                      // YAML syntax
      {RuleFile("    colour: red\n"), "unknown field 'colour'"},
      {RuleFile("    validator: klingon\n"), "unknown validator 'klingon'"},
      {RuleFile("    severity_x: 1\n"), "t.yaml:11: rule 't.rule'"},
      {RuleFile("", "'(?:[0-9]{9}'"), "t.yaml:3: rule 't.rule': pattern 1"},  // Hyperscan rejects
      {RuleFile("", "'[0-9]+'"), "bound its repeats"},                        // unbounded
      {RuleFile("    position: somewhere\n"), "not one of"},
      {"format: 2\n", "format"},
      {RuleFile("").replace(RuleFile("").find("type: cmnd"), 10, "type: dna"), "unknown finding type"},
      // require_first: phrases to look for first, on the loose view, and a start to track.
      {RuleFile("    context: {require_first: true}\n"), "require_first needs 'require' phrases"},
      {RuleFile("    context: {require: [cmnd], require_patterns: ['x'], require_first: true}\n"),
       "require_first needs 'require' phrases and no 'require_patterns'"},
      {RuleFile("    context: {require: [cmnd], require_first: yes}\n"), "expected true or false"},
      {RuleFile("    context: {require: ['  '], require_first: true}\n"), "empty once folded"},
      {RuleFile("    view: exact\n    context: {require: [cmnd], require_first: true}\n"),
       "the rule must be on it"},
      {RuleFile("    context: {require: [cmnd], require_first: true}\n", "'[0-9]{200}'"),
       "require_first: a match can be 200 bytes long"},
  };
  for (const auto& c : cases) {
    INFO("pack:\n" << c.yaml);
    dlp::Status s = LoadAndCompile(c.yaml);
    REQUIRE_FALSE(s.ok());
    INFO("error: " << s.ToString());
    CHECK(s.ToString().find(c.want) != std::string::npos);
  }
}

TEST_CASE("a pack without policy or with too few examples is rejected", "[pack][badinput]") {
  dlp::RulePack pack;
  CHECK_FALSE(dlp::LoadPack({{"t.yaml", RuleFile("")}}, &pack).ok());
  std::string one_example = RuleFile("");
  one_example.replace(one_example.find("[x, y]"), 6, "[x]");
  dlp::Status s = Load(one_example, &pack);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("at least two examples") != std::string::npos);
}

TEST_CASE("context phrases count as whole words anywhere in the window", "[pack][context]") {
  dlp::RulePack pack;
  REQUIRE(Load(RuleFile("    context: {require: [stk, 'tài khoản ngân hàng'], window_before: 300, "
                        "window_after: 60}\n"),
               &pack).ok());
  std::unique_ptr<dlp::Engine> e;
  REQUIRE(dlp::Engine::Create(std::move(pack), &e).ok());
  auto found = [&](const std::string& text) {
    dlp::ScanOptions o;
    o.destination = "other";
    dlp::ScanResult r;
    REQUIRE(e->Scan(text, o, &r).ok());
    return !r.findings.empty();
  };
  CHECK(found("stk 123456789"));
  CHECK(found("123456789 STK"));  // after the value, last in the text
  CHECK_FALSE(found("123456789"));
  CHECK_FALSE(found("xstk 123456789"));  // inside a longer word
  CHECK_FALSE(found("stkx 123456789"));
  CHECK_FALSE(found("tài khoản ngân hàn 123456789"));
  // The phrase at every position of a long window before the value, once as itself and once
  // with a letter glued on (so never a whole word), and its first and last letters scattered
  // around as decoys.
  for (size_t pad = 0; pad < 70; ++pad) {
    INFO("pad " << pad);
    const std::string filler = std::string(pad, 't') + " g tg ";
    CHECK(found(filler + "Tài khoản ngân hàng: " + std::string(70 - pad, '.') + " 123456789"));
    CHECK_FALSE(found(filler + "tài khoản ngân hàngx " + std::string(70 - pad, '.') + " 123456789"));
  }
}

TEST_CASE("context phrases count for each candidate however close or far the others are",
          "[pack][context]") {
  // One scan of many candidates: packed a few bytes apart (a CSV line per person, where the
  // scorer reuses the byte pairs it read for an earlier candidate's window) or hundreds apart,
  // going forward and, for the second rule, back over the same text. The phrase is at random
  // places; whether a candidate counts follows from where it is: wholly inside the window.
  dlp::RulePack pack;
  REQUIRE(Load(RuleFile("    context: {require: [so tk], window_before: 30, window_after: 12}\n"
                        "  - id: t.other\n    type: cccd\n    severity: high\n"
                        "    name: {vi: a, en: a}\n    explanation: {vi: b, en: b}\n"
                        "    patterns: ['[0-9]{9}']\n    examples: [x, y]\n"
                        "    negative_examples: [z, w]\n"
                        "    context: {require: [so tk], window_before: 90, window_after: 0}\n"),
               &pack).ok());
  std::unique_ptr<dlp::Engine> e;
  REQUIRE(dlp::Engine::Create(std::move(pack), &e).ok());
  dlp::ScanOptions o;
  o.destination = "other";
  uint64_t state = 7;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 40; ++round) {
    std::string text;
    std::vector<size_t> numbers, phrases;
    while (text.size() < 6000) {
      const uint64_t k = next(10);
      if (k < 5) {
        numbers.push_back(text.size());
        for (int d = 0; d < 9; ++d) text += static_cast<char>('1' + next(9));
      } else if (k < 6) {
        phrases.push_back(text.size());
        text += next(2) ? "So TK" : "so tk";
      } else {
        text += std::string(next(round % 2 ? 300 : 8), 'x');  // sparse rounds and dense ones
      }
      text += ' ';
    }
    auto counts = [&](size_t s, size_t before, size_t after) {
      const size_t e = s + 9;
      for (size_t p : phrases)
        if ((p + before >= s && p + 5 <= s) || (p >= e && p + 5 <= e + after)) return true;
      return false;
    };
    std::set<std::pair<std::string, uint64_t>> want, got;
    for (size_t s : numbers) {
      if (counts(s, 30, 12)) want.insert({"t.rule", s});
      if (counts(s, 90, 0)) want.insert({"t.other", s});
    }
    dlp::ScanResult r;
    REQUIRE(e->Scan(text, o, &r).ok());
    for (const auto& f : r.findings) got.insert({f.rule_id, f.start});
    INFO("round " << round);
    REQUIRE(!want.empty());
    REQUIRE(want.size() < 2 * numbers.size());  // some candidates have no phrase in reach
    CHECK(got == want);
  }
}
