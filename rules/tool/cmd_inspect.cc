// dlp-rules compile, export and explain: what a pack costs, what it matches, and everything about
// one rule, so an officer can answer "why was this blocked?" without reading YAML.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "dlp/engine.h"
#include "pack_source.h"

namespace dlp::rules_tool {
namespace {

constexpr int kExitUsage = 2;
const char* const kViewNames[kViewCount] = {"exact", "loose"};  // indexed by ViewKind

// Takes --pack and checks that exactly `positional` arguments remain; prints usage errors.
bool ParseArgs(const char* command, const char* usage, Args* args, size_t positional,
               std::string* pack_path) {
  bool missing = false;
  *pack_path = TakeOption(args, "--pack", &missing);
  std::string bad;
  if (missing) bad = "--pack needs a path";
  for (const auto& a : *args)
    if (bad.empty() && a.size() > 1 && a[0] == '-') bad = "unknown option " + a;
  if (bad.empty() && args->size() != positional)
    bad = args->size() < positional ? "missing argument"
                                    : "unexpected argument '" + args->back() + "'";
  if (bad.empty()) return true;
  std::cerr << "dlp-rules " << command << ": " << bad << "\nUsage: " << usage << "\n";
  return false;
}

bool Load(const char* command, const std::string& path, RulePack* pack, std::string* what) {
  Status s = LoadToolPack(path, pack, what);
  if (!s.ok())
    std::cerr << "dlp-rules " << command << ": cannot load pack: " << s.message() << "\n";
  return s.ok();
}

std::string Bytes(size_t n) {
  std::ostringstream s;
  s << n << " bytes";
  if (n >= 1024) s << " (" << std::fixed << std::setprecision(1) << n / 1024.0 << " KiB)";
  return s.str();
}

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out.empty() ? "-" : out;
}

// Control characters in a pattern or example would break the one-line-per-item layouts.
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

const char* BoundaryName(Boundary b) {
  return b == Boundary::kDigit ? "digit" : b == Boundary::kAlnum ? "word" : "none";
}
const char* PositionName(Position p) {
  return p == Position::kOwnLine     ? "own_line"
         : p == Position::kLineStart ? "line_start"
                                     : "anywhere";
}
const char* CaseName(CaseRule c) {
  return c == CaseRule::kNotLower ? "not_lower" : c == CaseRule::kUpper ? "upper" : "any";
}

// What each destination group does with this severity: the part of the policy that decides
// what the user experiences.
std::string Actions(const Policy& p, Severity s) {
  std::vector<std::string> parts;
  for (const auto& g : p.groups)
    parts.push_back(g.name + " " +
                    std::string(ActionName(g.action_by_severity[static_cast<int>(s)])));
  return Join(parts);
}

void Field(const char* name, const std::string& value) {
  std::cout << "  " << std::left << std::setw(18) << (std::string(name) + ":") << value << "\n";
}

void ExplainRule(const Rule& r, const Policy& policy) {
  std::cout << "rule " << r.id << "  (" << r.file << ":" << r.line << ")\n";
  Field("type", r.type);
  Field("severity", std::string(SeverityName(r.severity)) + "  → " + Actions(policy, r.severity));
  Field("name (vi)", r.name_vi);
  Field("name (en)", r.name_en);
  Field("explanation (vi)", r.explanation_vi);
  Field("explanation (en)", r.explanation_en);
  Field("view", kViewNames[static_cast<int>(r.view)]);
  Field("case_sensitive", r.caseless ? "no (ASCII case folded)" : "yes");
  std::cout << "  patterns (" << r.patterns.size() << "):\n";
  for (const auto& p : r.patterns) std::cout << "    " << OneLine(p) << "\n";
  Field("boundary", BoundaryName(r.boundary));
  Field("validator", r.validator_name.empty() ? "-" : r.validator_name);
  Field("position", PositionName(r.position));
  Field("line_allow", Join(r.line_allow));
  Field("case", CaseName(r.case_rule));
  std::ostringstream conf;
  conf << r.confidence << " (findings below " << r.min_confidence << " are dropped)";
  Field("confidence", conf.str());
  const ContextSpec& c = r.context;
  std::cout << "  context (phrases as matched on the loose view):\n";
  std::cout << "    window: " << c.window_before << " bytes before, " << c.window_after
            << " after\n"
            << "    raise (+" << c.raise_by << "): " << Join(c.raise) << "\n"
            << "    lower (-" << c.lower_by << "): " << Join(c.lower) << "\n"
            << "    require: " << Join(c.require) << "\n"
            << "    require_patterns: " << Join(c.require_patterns) << "\n";
  if (c.require_first)
    std::cout << "    require_first: the phrases are searched first, the patterns only near them\n";
  std::cout << "  examples (" << r.examples.size() << "):\n";
  for (const auto& e : r.examples) std::cout << "    \"" << OneLine(e) << "\"\n";
  std::cout << "  negative examples (" << r.negative_examples.size() << "):\n";
  for (const auto& e : r.negative_examples) std::cout << "    \"" << OneLine(e) << "\"\n";
}

void ExplainAggregate(const AggregateRule& a, const RulePack& pack) {
  std::cout << "aggregate " << a.id << "\n";
  Field("type", a.type);
  Field("severity",
        std::string(SeverityName(a.severity)) + "  → " + Actions(pack.policy, a.severity));
  Field("name (vi)", a.name_vi);
  Field("name (en)", a.name_en);
  Field("explanation (vi)", a.explanation_vi);
  Field("explanation (en)", a.explanation_en);
  Field("of_types", Join(a.of_types));
  Field("min_distinct", std::to_string(a.min_distinct) + " distinct values in one text");
  std::vector<std::string> feeders;
  for (const Rule& r : pack.rules)
    for (const auto& t : a.of_types)
      if (r.type == t) feeders.push_back(r.id);
  Field("counted rules", Join(feeders));
}

}  // namespace

int Compile(const Args& in_args) {
  Args args = in_args;
  std::string path, what;
  RulePack pack;
  if (!ParseArgs("compile", "dlp-rules compile [--pack PATH]", &args, 0, &path)) return kExitUsage;
  if (!Load("compile", path, &pack, &what)) return kExitUsage;
  size_t aggregates = pack.aggregates.size();
  std::unique_ptr<Engine> engine;
  if (Status s = Engine::Create(std::move(pack), &engine); !s.ok()) {
    std::cerr << "dlp-rules compile: cannot compile pack: " << s.message() << "\n";
    return kExitUsage;
  }
  const EngineStats& st = engine->stats();
  std::cout << "pack: " << what << "\n"
            << "compile time: " << std::fixed << std::setprecision(1) << st.compile_ms << " ms\n"
            << "rules: " << st.rules << " (+" << aggregates << " aggregates)\n"
            << "patterns: " << st.patterns << "\n";
  size_t total = st.confirm_db_bytes;
  for (int v = 0; v < kViewCount; ++v) {
    std::cout << "database " << kViewNames[v] << " view: " << Bytes(st.view_db_bytes[v]) << "\n";
    total += st.view_db_bytes[v];
  }
  std::cout << "database loose view without spaces: " << Bytes(st.squeezed_db_bytes) << " ("
            << st.squeezed_patterns << " keyword-like patterns searched as literals)\n"
            << "rules searched around their required phrases: " << st.gated_rules << " ("
            << st.gate_phrases << " phrases searched first; require_first)\n"
            << "number rules with their required phrases indexed: " << st.phrase_indexed_rules
            << " (" << st.indexed_phrases
            << " phrases; a number with none in reach is dropped before its context is read)\n";
  total += st.squeezed_db_bytes;
  for (int v = 0; v < kViewCount; ++v)
    std::cout << "stream state " << kViewNames[v] << " view: " << Bytes(st.stream_state_bytes[v])
              << " per open stream\n";
  std::cout << "stream state loose view without spaces: "
            << Bytes(st.squeezed_stream_state_bytes) << " per open stream\n";
  std::cout << "confirm databases: " << Bytes(st.confirm_db_bytes) << "\n"
            << "scratch: " << Bytes(st.scratch_bytes) << " per scanning thread\n"
            << "databases total: " << Bytes(total) << "\n";
  return 0;
}

int Export(const Args& in_args) {
  Args args = in_args;
  bool missing = false;
  std::string format = TakeOption(&args, "--format", &missing);
  const char* usage = "dlp-rules export --format regex [--pack PATH]";
  std::string path, what;
  if (!ParseArgs("export", usage, &args, 0, &path)) return kExitUsage;
  if (format != "regex") {
    std::cerr << "dlp-rules export: --format must be 'regex' (the only export format)\nUsage: "
              << usage << "\n";
    return kExitUsage;
  }
  RulePack pack;
  if (!Load("export", path, &pack, &what)) return kExitUsage;
  std::cout << "# " << what << ": rule_id<TAB>view<TAB>flags<TAB>pattern (Hyperscan syntax; flags "
               "i = caseless). 'loose' patterns expect text normalized as rules/FORMAT.md says: "
               "NFKC, zero-width removed, diacritics stripped (đ -> d), look-alikes folded to "
               "Latin, every space as ' '.\n";
  for (const Rule& r : pack.rules)
    for (const auto& p : r.patterns)
      std::cout << r.id << "\t" << kViewNames[static_cast<int>(r.view)] << "\t"
                << (r.caseless ? "i" : "") << "\t" << OneLine(p) << "\n";
  return 0;
}

int Explain(const Args& in_args) {
  Args args = in_args;
  std::string path, what;
  RulePack pack;
  if (!ParseArgs("explain", "dlp-rules explain RULE_ID [--pack PATH]", &args, 1, &path))
    return kExitUsage;
  if (!Load("explain", path, &pack, &what)) return kExitUsage;
  const std::string& id = args.front();
  for (const Rule& r : pack.rules)
    if (r.id == id) { ExplainRule(r, pack.policy); return 0; }
  for (const AggregateRule& a : pack.aggregates)
    if (a.id == id) { ExplainAggregate(a, pack); return 0; }

  // Suggest the ids that share the longest dotted prefix with the one asked for: a typo is
  // usually in the last part ("vn.id.ccd"), a wrong area in the first.
  std::vector<std::string> all;
  for (const Rule& r : pack.rules) all.push_back(r.id);
  for (const AggregateRule& a : pack.aggregates) all.push_back(a.id);
  std::string prefix = id;
  std::vector<std::string> close;
  while (close.empty() && !prefix.empty()) {
    size_t dot = prefix.find_last_of('.');
    prefix = dot == std::string::npos ? "" : prefix.substr(0, dot + 1);
    for (const auto& candidate : all)
      if (!prefix.empty() && candidate.compare(0, prefix.size(), prefix) == 0)
        close.push_back(candidate);
    if (!prefix.empty()) prefix.pop_back();  // drop the dot, then look one level up
  }
  std::cerr << "dlp-rules explain: no rule '" << id << "' in " << what << "\n";
  if (!close.empty())
    std::cerr << "rules starting with '" << prefix << ".': " << Join(close) << "\n";
  else
    std::cerr << "known rules: " << Join(all) << "\n";
  return kExitUsage;
}

}  // namespace dlp::rules_tool
