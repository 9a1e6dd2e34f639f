// dlp-rules eval: a labelled corpus through the real engine, to see what a pack change does to
// the verdicts before it is signed. The figures are the ones the policy cares about: exact
// action, block recall (secrets that would leak) and false blocks (cadres stopped for nothing),
// then per finding type precision and recall on the labelled values.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "dlp/engine.h"
#include "pack_source.h"

namespace dlp::rules_tool {
namespace {

using nlohmann::json;
constexpr int kExitUsage = 2;
constexpr size_t kMaxMismatchesShown = 20;
const char kUsage[] =
    "Usage: dlp-rules eval CORPUS.jsonl... [--pack PATH] [--min-accuracy P]\n"
    "         [--min-block-recall P] [--max-false-block P] [--year N] [--json]\n"
    "P is a fraction, 0..1. A corpus line: {\"id\", \"text\", \"expect\": allow|warn|block,\n"
    "\"labels\": [{\"type\", \"value\"}]}\n";
const Action kAllActions[] = {Action::kAllow, Action::kWarn, Action::kBlock};

struct Label { std::string type; size_t start, end; };
struct Item {
  std::string where, id, text;  // where: file:line, for errors
  Action expect = Action::kAllow;
  std::vector<Label> labels;
};
struct TypeTally { size_t labels = 0, found = 0, findings = 0, correct = 0; };
struct Mismatch { std::string id; Action expected, got; std::set<std::string> types; };

std::optional<double> Ratio(size_t num, size_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

struct Report {
  size_t items = 0, exact = 0;
  size_t confusion[3][3] = {};  // [expected][got], indexed by Action
  std::map<std::string, TypeTally> types;
  std::vector<Mismatch> mismatches;

  size_t Count(Action expected, Action got) const {
    return confusion[static_cast<int>(expected)][static_cast<int>(got)];
  }
  size_t Expected(Action e) const {
    return Count(e, Action::kAllow) + Count(e, Action::kWarn) + Count(e, Action::kBlock);
  }
  std::optional<double> Accuracy() const { return Ratio(exact, items); }
  // Secrets that would have leaked, and cadres stopped for nothing: the two costly errors.
  std::optional<double> BlockRecall() const {
    return Ratio(Count(Action::kBlock, Action::kBlock), Expected(Action::kBlock));
  }
  std::optional<double> FalseBlock() const {
    return Ratio(Count(Action::kAllow, Action::kBlock), Expected(Action::kAllow));
  }
};

struct Threshold {
  const char* name;
  const char* option;
  bool is_min;
  double limit;
  std::optional<double> value;  // undefined (no expected-block item...) cannot fail a gate
  bool Passes() const { return !value || (is_min ? *value >= limit : *value <= limit); }
};

std::string Fmt(std::optional<double> v) {
  if (!v) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *v);
  return buf;
}
std::string Name(Action a) { return std::string(ActionName(a)); }  // for printf
json JsonNumber(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

// One corpus line into an Item; returns "" or what is wrong with it.
std::string ParseItem(const std::string& line, Item* item) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return "not valid JSON";
  if (!j.is_object()) return "expected a JSON object";
  if (!j.contains("id") || !(j["id"].is_string() || j["id"].is_number()))
    return "needs \"id\" (a string or a number)";
  item->id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
  if (!j.contains("text") || !j["text"].is_string()) return "needs a string field \"text\"";
  item->text = j["text"].get<std::string>();
  bool known = false;
  for (Action a : kAllActions)
    if (j.contains("expect") && j["expect"] == ActionName(a)) { item->expect = a; known = true; }
  if (!known) return "needs \"expect\": \"allow\", \"warn\" or \"block\"";
  if (!j.contains("labels")) return "";
  if (!j["labels"].is_array()) return "\"labels\" must be a list";
  for (const auto& l : j["labels"]) {
    if (!l.is_object() || !l.contains("type") || !l["type"].is_string() || !l.contains("value") ||
        !l["value"].is_string() || l["value"].get_ref<const std::string&>().empty())
      return "each label needs a string \"type\" and a non-empty string \"value\"";
    const std::string& value = l["value"].get_ref<const std::string&>();
    // The first occurrence stands for the label, as in tests/corpus_test.cc.
    size_t at = item->text.find(value);
    if (at == std::string::npos) return "label value \"" + value + "\" is not in the text";
    item->labels.push_back({l["type"].get<std::string>(), at, at + value.size()});
  }
  return "";
}

// Reads every corpus before anything is scanned: a malformed line stops the run with no partial
// report, because figures over part of a corpus would be mistaken for the whole.
bool ReadCorpora(const std::vector<std::string>& paths, std::vector<Item>* items) {
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "dlp-rules eval: " << path << ": cannot open\n";
      return false;
    }
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      Item item;
      item.where = path + ":" + std::to_string(n);
      if (std::string err = ParseItem(line, &item); !err.empty()) {
        std::cerr << "dlp-rules eval: " << item.where << ": " << err << "\n";
        return false;
      }
      items->push_back(std::move(item));
    }
  }
  if (items->empty()) std::cerr << "dlp-rules eval: the corpora hold no items\n";
  return !items->empty();
}

bool Overlaps(const Finding& f, const Label& l) {
  return f.type == l.type && f.start < l.end && f.end > l.start;
}

void Tally(const Item& item, const ScanResult& r, Report* rep) {
  ++rep->items;
  ++rep->confusion[static_cast<int>(item.expect)][static_cast<int>(r.action)];
  if (item.expect == r.action) {
    ++rep->exact;
  } else {
    Mismatch m{item.id, item.expect, r.action, {}};
    for (const auto& f : r.findings) m.types.insert(f.type);
    rep->mismatches.push_back(std::move(m));
  }
  for (const Label& l : item.labels) {
    TypeTally& t = rep->types[l.type];
    ++t.labels;
    t.found += std::any_of(r.findings.begin(), r.findings.end(),
                           [&](const Finding& f) { return Overlaps(f, l); });
  }
  // Info findings are records, never shown to the user: they cannot be false alarms.
  for (const auto& f : r.findings) {
    if (f.severity == Severity::kInfo) continue;
    TypeTally& t = rep->types[f.type];
    ++t.findings;
    t.correct += std::any_of(item.labels.begin(), item.labels.end(),
                             [&](const Label& l) { return Overlaps(f, l); });
  }
}

void PrintText(const Report& rep, const std::vector<std::string>& corpora, const std::string& what,
               int year, const std::vector<Threshold>& thresholds) {
  const Action kBlock = Action::kBlock, kAllow = Action::kAllow;
  std::printf("eval: %zu items from", rep.items);
  for (const auto& c : corpora) std::printf(" %s", c.c_str());
  std::printf("\npack: %s; destination public_ai; year %d\n\n", what.c_str(), year);
  std::printf("exact-action accuracy  %s  (%zu/%zu)\n\n", Fmt(rep.Accuracy()).c_str(), rep.exact,
              rep.items);
  std::printf("action confusion (rows expected, columns got)\n  %-10s", "");
  for (Action g : kAllActions) std::printf("%8s", Name(g).c_str());
  for (Action e : kAllActions) {
    std::printf("\n  %-10s", Name(e).c_str());
    for (Action g : kAllActions) std::printf("%8zu", rep.Count(e, g));
  }
  std::printf("\n\nblock recall           %s  (%zu/%zu)\n", Fmt(rep.BlockRecall()).c_str(),
              rep.Count(kBlock, kBlock), rep.Expected(kBlock));
  std::printf("false-block rate       %s  (%zu/%zu)\n\n", Fmt(rep.FalseBlock()).c_str(),
              rep.Count(kAllow, kBlock), rep.Expected(kAllow));
  std::printf("%-24s%7s%7s%8s%10s%9s%11s\n", "per finding type", "labels", "found", "recall",
              "findings", "correct", "precision");
  for (const auto& [type, t] : rep.types)
    std::printf("  %-22s%7zu%7zu%8s%10zu%9zu%11s\n", type.c_str(), t.labels, t.found,
                Fmt(Ratio(t.found, t.labels)).c_str(), t.findings, t.correct,
                Fmt(Ratio(t.correct, t.findings)).c_str());
  std::printf("\nmismatched items: %zu", rep.mismatches.size());
  if (rep.mismatches.size() > kMaxMismatchesShown) std::printf(" (first %zu)", kMaxMismatchesShown);
  std::printf("\n");
  for (size_t i = 0; i < rep.mismatches.size() && i < kMaxMismatchesShown; ++i) {
    const Mismatch& m = rep.mismatches[i];
    std::printf("  %s: expected %s, got %s; findings:", m.id.c_str(), Name(m.expected).c_str(),
                Name(m.got).c_str());
    if (m.types.empty()) std::printf(" none");
    for (const auto& t : m.types) std::printf(" %s", t.c_str());
    std::printf("\n");
  }
  if (!thresholds.empty()) std::printf("\n");
  for (const Threshold& t : thresholds) {
    bool ok = t.Passes();
    std::printf("%s%s %s %s %s %g\n", ok ? "threshold ok: " : "THRESHOLD FAILED: ", t.name,
                Fmt(t.value).c_str(), t.is_min ? (ok ? ">=" : "<") : (ok ? "<=" : ">"), t.option,
                t.limit);
  }
}

json ReportJson(const Report& rep, const std::vector<std::string>& corpora, const std::string& what,
                int year, const std::vector<Threshold>& thresholds, bool ok) {
  json j = {{"corpora", corpora}, {"pack", what}, {"destination", "public_ai"}, {"year", year},
            {"items", rep.items}, {"exact", rep.exact}, {"accuracy", JsonNumber(rep.Accuracy())},
            {"block_recall", JsonNumber(rep.BlockRecall())},
            {"false_block_rate", JsonNumber(rep.FalseBlock())}, {"ok", ok},
            {"mismatch_count", rep.mismatches.size()}};
  for (Action e : kAllActions)  // confusion: expected -> got -> count
    for (Action g : kAllActions)
      j["confusion"][std::string(ActionName(e))][std::string(ActionName(g))] = rep.Count(e, g);
  j["types"] = json::object();
  for (const auto& [type, t] : rep.types)
    j["types"][type] = {{"labels", t.labels}, {"found", t.found},
                        {"recall", JsonNumber(Ratio(t.found, t.labels))}, {"findings", t.findings},
                        {"correct", t.correct},
                        {"precision", JsonNumber(Ratio(t.correct, t.findings))}};
  j["mismatches"] = json::array();
  for (size_t i = 0; i < rep.mismatches.size() && i < kMaxMismatchesShown; ++i) {
    const Mismatch& m = rep.mismatches[i];
    j["mismatches"].push_back({{"id", m.id}, {"expected", ActionName(m.expected)},
                               {"got", ActionName(m.got)}, {"finding_types", m.types}});
  }
  j["thresholds"] = json::array();
  for (const Threshold& t : thresholds)
    j["thresholds"].push_back({{"name", t.name}, {"option", t.option}, {"limit", t.limit},
                               {"value", JsonNumber(t.value)}, {"ok", t.Passes()}});
  return j;
}

// "--name P" as a fraction in [0, 1]; false (with a message) if present but not one.
bool TakeFraction(Args* args, const char* name, std::optional<double>* out) {
  bool missing = false;
  std::string v = TakeOption(args, name, &missing);
  if (v.empty() && !missing) return true;
  char* end = nullptr;
  double d = missing ? -1 : std::strtod(v.c_str(), &end);
  if (missing || end == v.c_str() || *end != '\0' || !(d >= 0 && d <= 1)) {
    std::cerr << "dlp-rules eval: " << name << " wants a fraction between 0 and 1, e.g. 0.99\n";
    return false;
  }
  *out = d;
  return true;
}

}  // namespace

int Eval(const Args& in_args) {
  Args args = in_args;
  bool missing = false;
  std::string pack_path = TakeOption(&args, "--pack", &missing);
  std::string year_arg = TakeOption(&args, "--year", &missing);
  bool as_json = TakeFlag(&args, "--json");
  std::optional<double> min_acc, min_recall, max_false;
  if (!TakeFraction(&args, "--min-accuracy", &min_acc) ||
      !TakeFraction(&args, "--min-block-recall", &min_recall) ||
      !TakeFraction(&args, "--max-false-block", &max_false))
    return kExitUsage;
  int year = 2026;  // the corpora are written for 2026 (birth years, document dates)
  if (!year_arg.empty()) year = std::atoi(year_arg.c_str());
  std::string bad = missing ? "an option needs a value" : "";
  for (const auto& a : args)
    if (bad.empty() && a.size() > 1 && a[0] == '-') bad = "unknown option " + a;
  if (bad.empty() && (year < 1900 || year > 9999)) bad = "--year wants a year such as 2026";
  if (bad.empty() && args.empty()) bad = "no corpus given";
  if (!bad.empty()) {
    std::cerr << "dlp-rules eval: " << bad << "\n" << kUsage;
    return kExitUsage;
  }

  std::vector<Item> items;
  if (!ReadCorpora(args, &items)) return kExitUsage;
  RulePack pack;
  std::string what;
  std::unique_ptr<Engine> engine;
  Status s = LoadToolPack(pack_path, &pack, &what);
  if (s.ok()) s = Engine::Create(std::move(pack), &engine);
  if (!s.ok()) {
    std::cerr << "dlp-rules eval: cannot load pack: " << s.message() << "\n";
    return kExitUsage;
  }
  ScanOptions opt;
  opt.destination = "public_ai";
  opt.current_year = year;
  Report rep;
  for (const Item& item : items) {
    ScanResult r;
    if (Status st = engine->Scan(item.text, opt, &r); !st.ok()) {
      std::cerr << "dlp-rules eval: " << item.where << ": scan failed: " << st.message() << "\n";
      return kExitUsage;
    }
    Tally(item, r, &rep);
  }

  std::vector<Threshold> th;
  if (min_acc)
    th.push_back({"exact-action accuracy", "--min-accuracy", true, *min_acc, rep.Accuracy()});
  if (min_recall)
    th.push_back({"block recall", "--min-block-recall", true, *min_recall, rep.BlockRecall()});
  if (max_false)
    th.push_back({"false-block rate", "--max-false-block", false, *max_false, rep.FalseBlock()});
  bool ok = std::all_of(th.begin(), th.end(), [](const Threshold& t) { return t.Passes(); });
  if (as_json)  // ids come from the corpus: bad UTF-8 in them must not abort the report
    std::cout << ReportJson(rep, args, what, year, th, ok)
                     .dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  else
    PrintText(rep, args, what, year, th);
  return ok ? 0 : 1;
}

}  // namespace dlp::rules_tool
