// dlp-rules as the security officer runs it: the real binary on the built-in pack and on small
// temporary packs and corpora, checking exit statuses and what the reports say.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "process_util.h"

namespace {

using dlp::test::ProcessResult;

ProcessResult Rules(std::vector<std::string> args) {
  return dlp::test::RunProcess(DLP_RULES_BIN, std::move(args), "");
}

// A fresh directory per test case: ctest runs the cases as parallel processes.
std::string TempDir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(DLP_TEST_TMP) / "dlp_rules_test" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string Write(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

const char kPolicy[] =
    "format: 1\npolicy:\n  groups:\n    - name: public_ai\n"
    "      actions: {info: allow, low: warn, medium: warn, high: block, critical: block}\n"
    "    - name: other\n"
    "      actions: {info: allow, low: allow, medium: allow, high: allow, critical: allow}\n";

// One rule in YAML; `extra` holds its own fields, starting at the line after `severity`.
std::string RuleYaml(const std::string& id, const std::string& extra) {
  return "  - id: " + id + "\n    type: cccd\n    severity: high\n" + extra;
}

// The number after "label: " on the line that starts with `label`, or -1.
long long Figure(const std::string& out, const std::string& label) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(label, 0) == 0) return std::stoll(line.substr(label.size()));
  return -1;
}

}  // namespace

TEST_CASE("dlp-rules lint and test pass on the built-in pack", "[rules_tool]") {
  ProcessResult lint = Rules({"lint"});
  CHECK(lint.status == 0);
  CHECK(lint.out.rfind("OK: ", 0) == 0);
  CHECK(lint.out.find("aggregates (built-in pack vn-default") != std::string::npos);
  ProcessResult test = Rules({"test"});
  CHECK(test.status == 0);
  CHECK(test.out.find(" examples, ") != std::string::npos);
  CHECK(test.out.find("negatives: all pass") != std::string::npos);
  CHECK(Rules({"lint", "--bogus"}).status == 2);
}

TEST_CASE("dlp-rules lint: a pack that cannot load gives file:line, exit 2", "[rules_tool]") {
  std::string dir = TempDir("lint_unknown_validator");
  Write(dir + "/p.yaml", std::string(kPolicy) + "rules:\n" +
                             RuleYaml("bad.rule.id", "    name: {vi: a, en: a}\n"
                                      "    explanation: {vi: b, en: b}\n"
                                      "    patterns: ['[0-9]{12}']\n    validator: nope\n"
                                      "    examples: [a, b]\n    negative_examples: [c, d]\n"));
  ProcessResult r = Rules({"lint", "--pack", dir});
  CHECK(r.status == 2);
  CHECK(r.err.find("p.yaml:15: rule 'bad.rule.id': unknown validator 'nope'") != std::string::npos);
}

TEST_CASE("dlp-rules lint: problems the loader accepts, one per line, exit 1", "[rules_tool]") {
  std::string dir = TempDir("lint_problems");
  Write(dir + "/p.yaml", std::string(kPolicy) + "rules:\n" +
                             RuleYaml("Bad_Id", "    name: {vi: a, en: a}\n"
                                      "    explanation: {vi: '', en: b}\n"
                                      "    patterns: ['[0-9]{12}']\n"
                                      "    examples: [same, other]\n"
                                      "    negative_examples: [same, third]\n"));
  ProcessResult r = Rules({"lint", "--pack", dir});
  CHECK(r.status == 1);
  CHECK(r.out.find("p.yaml:9: rule 'Bad_Id': id is not lower-case dotted") != std::string::npos);
  CHECK(r.out.find("p.yaml:9: rule 'Bad_Id': empty Vietnamese explanation") != std::string::npos);
  CHECK(r.out.find("p.yaml:9: rule 'Bad_Id': example is also a negative example: \"same\"") !=
        std::string::npos);

  // A pattern Hyperscan rejects (look-behind) surfaces through the engine with the same detail.
  Write(dir + "/p.yaml", std::string(kPolicy) + "rules:\n" +
                             RuleYaml("x.bad.pattern", "    name: {vi: a, en: a}\n"
                                      "    explanation: {vi: b, en: b}\n"
                                      "    patterns: ['(?<=a)[0-9]{12}']\n"
                                      "    examples: [a, b]\n    negative_examples: [c, d]\n"));
  r = Rules({"lint", "--pack", dir});
  CHECK(r.status == 1);
  CHECK(r.out.find("p.yaml:9: rule 'x.bad.pattern': pattern 1") != std::string::npos);
}

TEST_CASE("dlp-rules test: an example that does not fire names rule and text", "[rules_tool]") {
  std::string dir = TempDir("test_failing_example");
  Write(dir + "/p.yaml", std::string(kPolicy) + "rules:\n" +
                             RuleYaml("x.id.cccd", "    name: {vi: Số căn cước, en: ID}\n"
                                      "    explanation: {vi: b, en: b}\n"
                                      "    patterns: ['[0-9]{12}']\n    boundary: digit\n"
                                      "    validator: cccd\n"
                                      "    examples: ['CCCD 001085012345', \"Không có số nào\\nở đây\"]\n"
                                      "    negative_examples: [abc, def]\n"));
  ProcessResult r = Rules({"test", "--pack", dir});
  CHECK(r.status == 1);
  CHECK(r.out.find("FAIL rule 'x.id.cccd' (") != std::string::npos);
  CHECK(r.out.find("p.yaml:9) example: \"Không có số nào\\nở đây\"") != std::string::npos);
  CHECK(r.out.find("1 rules, 2 examples, 2 negatives: 1 failure") != std::string::npos);
}

TEST_CASE("dlp-rules eval: confusion matrix, rates, per-type figures, thresholds", "[rules_tool]") {
  std::string dir = TempDir("eval_small");
  std::string corpus = Write(dir + "/c.jsonl",
      R"({"id": "b-ok", "text": "Số CCCD 001085012345", "expect": "block", "labels": [{"type": "cccd", "value": "001085012345"}]})" "\n"
      R"({"id": "a-ok", "text": "Chào buổi sáng, hôm nay trời đẹp.", "expect": "allow", "labels": []})" "\n"
      "\n"
      R"({"id": "w-ok", "text": "Email: an.nguyen@example.vn", "expect": "warn", "labels": [{"type": "email", "value": "an.nguyen@example.vn"}]})" "\n"
      R"({"id": "b-missed", "text": "Hôm nay họp lúc 9 giờ.", "expect": "block"})" "\n"
      R"({"id": "a-blocked", "text": "Mã: 079190004521", "expect": "allow"})" "\n");
  ProcessResult j = Rules({"eval", corpus, "--json"});
  REQUIRE(j.status == 0);
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["items"] == 5);
  CHECK(doc["exact"] == 3);
  CHECK(doc["confusion"]["block"]["block"] == 1);
  CHECK(doc["confusion"]["block"]["allow"] == 1);
  CHECK(doc["confusion"]["allow"]["allow"] == 1);
  CHECK(doc["confusion"]["allow"]["block"] == 1);
  CHECK(doc["confusion"]["warn"]["warn"] == 1);
  CHECK(doc["confusion"]["warn"]["block"] == 0);
  CHECK(doc["block_recall"] == Approx(0.5));
  CHECK(doc["false_block_rate"] == Approx(0.5));
  CHECK(doc["types"]["cccd"]["labels"] == 1);
  CHECK(doc["types"]["cccd"]["found"] == 1);
  CHECK(doc["types"]["cccd"]["findings"] == 2);
  CHECK(doc["types"]["cccd"]["precision"] == Approx(0.5));
  CHECK(doc["mismatch_count"] == 2);
  CHECK(doc["mismatches"][0]["id"] == "b-missed");

  ProcessResult t =
      Rules({"eval", corpus, "--min-block-recall", "0.9", "--max-false-block", "0.6"});
  CHECK(t.status == 1);
  CHECK(t.out.find("exact-action accuracy  0.6000  (3/5)") != std::string::npos);
  CHECK(t.out.find("THRESHOLD FAILED: block recall 0.5000 < --min-block-recall 0.9") !=
        std::string::npos);
  CHECK(t.out.find("threshold ok: false-block rate 0.5000 <= --max-false-block 0.6") !=
        std::string::npos);
  CHECK(t.out.find("a-blocked: expected allow, got block; findings: cccd") != std::string::npos);
  CHECK(Rules({"eval", corpus, "--min-accuracy", "95"}).status == 2);
  CHECK(Rules({"eval", corpus, "--frobnicate"}).status == 2);
}

TEST_CASE("dlp-rules eval: a malformed line stops with file:line, no report", "[rules_tool]") {
  std::string dir = TempDir("eval_malformed");
  std::string good = R"({"id": "1", "text": "Chào", "expect": "allow"})" "\n";
  std::string bad = Write(dir + "/bad.jsonl", good + "{not json\n");
  ProcessResult r = Rules({"eval", bad});
  CHECK(r.status == 2);
  CHECK(r.err.find("bad.jsonl:2: not valid JSON") != std::string::npos);
  CHECK(r.out.empty());
  std::string label = Write(dir + "/label.jsonl",
      good + R"({"id": "2", "text": "abc", "expect": "allow", "labels": [{"type": "cccd", "value": "xyz"}]})" "\n");
  r = Rules({"eval", label});
  CHECK(r.status == 2);
  CHECK(r.err.find("label.jsonl:2: label value \"xyz\" is not in the text") != std::string::npos);
  std::string expect =
      Write(dir + "/expect.jsonl", R"({"id": "3", "text": "abc", "expect": "deny"})" "\n");
  CHECK(Rules({"eval", expect}).status == 2);
}

TEST_CASE("dlp-rules compile and export agree on the pack's patterns", "[rules_tool]") {
  ProcessResult c = Rules({"compile"});
  REQUIRE(c.status == 0);
  CHECK(Figure(c.out, "database exact view: ") > 0);
  CHECK(Figure(c.out, "database loose view: ") > 0);
  CHECK(Figure(c.out, "confirm databases: ") > 0);
  CHECK(Figure(c.out, "scratch: ") > 0);
  long long patterns = Figure(c.out, "patterns: ");
  CHECK(patterns > 0);
  // Passport, CMND, BHXH and the password column are searched around their phrases.
  CHECK(Figure(c.out, "rules searched around their required phrases: ") == 4);
  // The bank account rule's phrases are indexed (a number rule; the Party header's is not).
  CHECK(Figure(c.out, "number rules with their required phrases indexed: ") == 1);

  ProcessResult e = Rules({"export", "--format", "regex"});
  REQUIRE(e.status == 0);
  std::istringstream in(e.out);
  std::string line;
  long long lines = 0;
  REQUIRE(std::getline(in, line));
  CHECK(line.rfind("# ", 0) == 0);
  CHECK(line.find("rules/FORMAT.md") != std::string::npos);
  while (std::getline(in, line)) {
    ++lines;
    CHECK(std::count(line.begin(), line.end(), '\t') >= 3);
  }
  CHECK(lines == patterns);
  CHECK(e.out.find("vn.id.cccd\tloose\ti\t") != std::string::npos);
  CHECK(Rules({"export", "--format", "pcre"}).status == 2);
  CHECK(Rules({"export"}).status == 2);
}

TEST_CASE("dlp-rules explain shows one rule whole, suggests close ids", "[rules_tool]") {
  ProcessResult r = Rules({"explain", "vn.id.cccd"});
  CHECK(r.status == 0);
  CHECK(r.out.find("Số căn cước công dân (CCCD)") != std::string::npos);
  CHECK(r.out.find("require_first") == std::string::npos);
  ProcessResult passport = Rules({"explain", "vn.id.passport"});
  CHECK(passport.out.find("require_first: the phrases are searched first") != std::string::npos);
  CHECK(r.out.find("personal_ids.yaml:") != std::string::npos);
  CHECK(r.out.find("validator:") != std::string::npos);
  ProcessResult agg = Rules({"explain", "vn.bulk.contacts"});
  CHECK(agg.status == 0);
  CHECK(agg.out.find("Danh sách liên hệ của nhiều người") != std::string::npos);
  ProcessResult unknown = Rules({"explain", "vn.id.ccd"});
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("vn.id.cccd") != std::string::npos);
  CHECK(unknown.err.find("vn.contact.phone") == std::string::npos);
}
