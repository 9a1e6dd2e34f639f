// dlp-rules lint and test: is a pack well written, and does every rule do what its own examples
// say? Both run before a pack is signed; `test` is the same check as tests/pack_examples_test.cc,
// but for any pack an officer is editing, not only the built-in one.
#include <iostream>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "dlp/engine.h"
#include "pack_source.h"

namespace dlp::rules_tool {
namespace {

constexpr int kExitProblems = 1;
constexpr int kExitUsage = 2;
// Examples are written for the year the corpus and the unit tests assume, so that a birth-year
// plausibility check gives the same answer whatever the machine's clock says.
constexpr int kExampleYear = 2026;
constexpr size_t kShownChars = 120;

// Parses "[--pack PATH]" and nothing else; prints the usage error itself.
bool PackOnly(const char* command, Args args, std::string* path) {
  bool missing = false;
  *path = TakeOption(&args, "--pack", &missing);
  if (missing) {
    std::cerr << "dlp-rules " << command << ": --pack needs a path\n";
    return false;
  }
  if (!args.empty()) {
    std::cerr << "dlp-rules " << command << ": "
              << (args.front()[0] == '-' ? "unknown option '" : "unexpected argument '")
              << args.front() << "'\nUsage: dlp-rules " << command << " [--pack PATH]\n";
    return false;
  }
  return true;
}

bool Load(const char* command, const std::string& path, RulePack* pack, std::string* what) {
  Status s = LoadToolPack(path, pack, what);
  if (!s.ok())
    std::cerr << "dlp-rules " << command << ": cannot load pack: " << s.message() << "\n";
  return s.ok();
}

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string Where(const Rule& r) {
  return r.file + ":" + std::to_string(r.line) + ": rule '" + r.id + "'";
}

// An example as one line of a report: control characters made visible, cut at a UTF-8
// character boundary so a Vietnamese letter is never split in half.
std::string ShowText(const std::string& text) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && chars++ == kShownChars) return out + "…";
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out += text[i];
  }
  return out;
}

}  // namespace

int Lint(const Args& args) {
  std::string path, what;
  RulePack pack;
  if (!PackOnly("lint", args, &path)) return kExitUsage;
  if (!Load("lint", path, &pack, &what)) return kExitUsage;

  std::vector<std::string> problems;
  // Ids are written into audit logs and overrides for years: one lower-case dotted scheme
  // (area.group.name) keeps them sortable and greppable.
  static const std::regex kIdForm("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){2,}");
  std::set<std::string> rule_types;
  for (const Rule& r : pack.rules) {
    rule_types.insert(r.type);
    if (!std::regex_match(r.id, kIdForm))
      problems.push_back(Where(r) + ": id is not lower-case dotted like 'vn.id.cccd'");
    if (Blank(r.name_vi) || Blank(r.name_en))
      problems.push_back(Where(r) + ": empty name (vi or en)");
    if (Blank(r.explanation_vi))
      problems.push_back(Where(r) + ": empty Vietnamese explanation; cadres see it in warnings");
    if (Blank(r.explanation_en)) problems.push_back(Where(r) + ": empty English explanation");
    // The same text cannot both fire and not fire: one of the two lists is wrong.
    std::set<std::string> negatives(r.negative_examples.begin(), r.negative_examples.end());
    for (const auto& ex : r.examples)
      if (negatives.count(ex))
        problems.push_back(Where(r) + ": example is also a negative example: \"" + ShowText(ex) +
                           "\"");
    std::set<std::string> seen;
    for (const auto& ex : r.examples)
      if (!seen.insert(ex).second)
        problems.push_back(Where(r) + ": example listed twice: \"" + ShowText(ex) + "\"");
  }
  // The loader keeps no file/line for aggregates; their id is unique in the pack.
  for (const AggregateRule& a : pack.aggregates) {
    std::string where = "aggregate '" + a.id + "'";
    if (!std::regex_match(a.id, kIdForm))
      problems.push_back(where + ": id is not lower-case dotted like 'vn.bulk.contacts'");
    if (Blank(a.explanation_vi) || Blank(a.explanation_en))
      problems.push_back(where + ": empty explanation (vi or en)");
    for (const auto& t : a.of_types)
      if (!rule_types.count(t))
        problems.push_back(where + ": counts type '" + t + "' that no rule produces");
  }

  // Pattern compilation is the one check the loader leaves to the engine.
  std::unique_ptr<Engine> engine;
  size_t rules = pack.rules.size(), aggregates = pack.aggregates.size();
  if (Status s = Engine::Create(std::move(pack), &engine); !s.ok()) problems.push_back(s.message());

  if (problems.empty()) {
    std::cout << "OK: " << rules << " rules, " << aggregates << " aggregates (" << what << ")\n";
    return 0;
  }
  for (const auto& p : problems) std::cout << p << "\n";
  std::cerr << "dlp-rules lint: " << problems.size() << " problem(s) in " << what << "\n";
  return kExitProblems;
}

int Test(const Args& args) {
  std::string path, what;
  RulePack pack;
  if (!PackOnly("test", args, &path)) return kExitUsage;
  if (!Load("test", path, &pack, &what)) return kExitUsage;
  std::unique_ptr<Engine> engine;
  if (Status s = Engine::Create(std::move(pack), &engine); !s.ok()) {
    std::cerr << "dlp-rules test: cannot compile pack: " << s.message() << "\n";
    return kExitUsage;
  }
  ScanOptions opt;
  opt.destination = "public_ai";
  opt.current_year = kExampleYear;

  size_t examples = 0, negatives = 0, failures = 0;
  // Returns whether the rule fired; a scan error counts as a failure and is shown as such.
  auto run = [&](const Rule& r, const std::string& text, bool expect_fire) {
    ScanResult res;
    Status s = engine->Scan(text, opt, &res);
    bool fired = false;
    for (const auto& f : res.findings) fired = fired || f.rule_id == r.id;
    if (s.ok() && fired == expect_fire) return;
    ++failures;
    std::cout << "FAIL rule '" << r.id << "' (" << r.file << ":" << r.line << ") "
              << (expect_fire ? "example" : "negative") << ": \"" << ShowText(text) << "\"";
    if (!s.ok()) std::cout << " (scan error: " << s.message() << ")";
    std::cout << "\n";
  };
  const RulePack& p = engine->pack();
  for (const Rule& r : p.rules) {
    for (const auto& ex : r.examples) { ++examples; run(r, ex, true); }
    for (const auto& ex : r.negative_examples) { ++negatives; run(r, ex, false); }
  }
  std::cout << p.rules.size() << " rules, " << examples << " examples, " << negatives
            << " negatives: ";
  if (failures == 0) {
    std::cout << "all pass\n";
    return 0;
  }
  std::cout << failures << (failures == 1 ? " failure" : " failures") << "\n";
  return kExitProblems;
}

}  // namespace dlp::rules_tool
