// Parses rule-pack YAML (format v1, rules/FORMAT.md) into a RulePack.
//
// Strict by design: an unknown field, a wrong type or a missing required field is an error that
// names the file, line and rule id. A pack with any error is rejected whole.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dlp/rule_pack.h"
#include "pack_text.h"

namespace dlp {
namespace {

struct Ctx {
  const std::string* file;
  std::string rule_id;
  const Normalizer* norm;
};

Status Err(const Ctx& c, const YAML::Node& n, const std::string& msg) {
  std::string where = *c.file;
  if (n.IsDefined() && n.Mark().line >= 0) where += ":" + std::to_string(n.Mark().line + 1);
  if (!c.rule_id.empty()) where += ": rule '" + c.rule_id + "'";
  return Status::InvalidArgument(where + ": " + msg);
}

Status CheckKeys(const Ctx& c, const YAML::Node& map, const std::set<std::string>& allowed) {
  if (!map.IsMap()) return Err(c, map, "expected a mapping");
  for (const auto& kv : map) {
    std::string key = kv.first.as<std::string>("");
    if (!allowed.count(key)) return Err(c, kv.first, "unknown field '" + key + "'");
  }
  return Status::OK();
}

Status GetString(const Ctx& c, const YAML::Node& n, std::string* out) {
  if (!n.IsScalar()) return Err(c, n, "expected a string");
  *out = n.as<std::string>();
  return Status::OK();
}

Status GetStrings(const Ctx& c, const YAML::Node& n, std::vector<std::string>* out) {
  if (!n.IsSequence()) return Err(c, n, "expected a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) return Err(c, item, "expected a string in the list");
    out->push_back(item.as<std::string>());
  }
  return Status::OK();
}

Status GetNumber(const Ctx& c, const YAML::Node& n, double lo, double hi, double* out) {
  double v;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || v < lo || v > hi)
    return Err(c, n, "expected a number between " + std::to_string(lo) + " and " +
                         std::to_string(hi));
  *out = v;
  return Status::OK();
}

// A vi/en pair: {vi: "...", en: "..."}.
Status GetBilingual(const Ctx& c, const YAML::Node& n, std::string* vi, std::string* en) {
  if (Status s = CheckKeys(c, n, {"vi", "en"}); !s.ok()) return s;
  if (!n["vi"] || !n["en"]) return Err(c, n, "needs both 'vi' and 'en'");
  if (Status s = GetString(c, n["vi"], vi); !s.ok()) return s;
  return GetString(c, n["en"], en);
}

template <typename E>
Status GetEnum(const Ctx& c, const YAML::Node& n, const std::vector<std::pair<std::string, E>>& m,
               E* out) {
  std::string v;
  if (Status s = GetString(c, n, &v); !s.ok()) return s;
  for (const auto& [name, value] : m)
    if (name == v) { *out = value; return Status::OK(); }
  std::string names;
  for (const auto& kv : m) names += (names.empty() ? "" : ", ") + kv.first;
  return Err(c, n, "'" + v + "' is not one of: " + names);
}

const std::vector<std::pair<std::string, Severity>> kSeverities = {
    {"info", Severity::kInfo}, {"low", Severity::kLow}, {"medium", Severity::kMedium},
    {"high", Severity::kHigh}, {"critical", Severity::kCritical}};
const std::vector<std::pair<std::string, Action>> kActions = {
    {"allow", Action::kAllow}, {"warn", Action::kWarn}, {"block", Action::kBlock}};

Status ParseContext(const Ctx& c, const YAML::Node& n, ContextSpec* ctx) {
  if (Status s = CheckKeys(c, n, {"window_before", "window_after", "raise", "lower", "require",
                                  "require_patterns", "require_first", "raise_by", "lower_by"});
      !s.ok())
    return s;
  double v;
  if (n["window_before"]) {
    if (Status s = GetNumber(c, n["window_before"], 0, 2000, &v); !s.ok()) return s;
    ctx->window_before = static_cast<int>(v);
  }
  if (n["window_after"]) {
    if (Status s = GetNumber(c, n["window_after"], 0, 2000, &v); !s.ok()) return s;
    ctx->window_after = static_cast<int>(v);
  }
  for (auto [key, list] : {std::pair{"raise", &ctx->raise}, std::pair{"lower", &ctx->lower},
                           std::pair{"require", &ctx->require}}) {
    if (!n[key]) continue;
    std::vector<std::string> raw;
    if (Status s = GetStrings(c, n[key], &raw); !s.ok()) return s;
    // Officers write phrases with diacritics; the scorer compares against the loose view.
    for (const auto& phrase : raw) list->push_back(LooseLower(*c.norm, phrase));
  }
  if (n["require_patterns"])
    if (Status s = GetStrings(c, n["require_patterns"], &ctx->require_patterns); !s.ok()) return s;
  if (n["require_first"]) {
    const YAML::Node& f = n["require_first"];
    if (!f.IsScalar() || (f.Scalar() != "true" && f.Scalar() != "false"))
      return Err(c, f, "require_first: expected true or false");
    ctx->require_first = f.Scalar() == "true";
    if (ctx->require_first && (ctx->require.empty() || !ctx->require_patterns.empty()))
      return Err(c, f, "require_first needs 'require' phrases and no 'require_patterns'");
    for (const auto& phrase : ctx->require)
      if (phrase.find_first_not_of(' ') == std::string::npos)
        return Err(c, f, "require_first: a 'require' phrase is empty once folded");
  }
  if (n["raise_by"]) if (Status s = GetNumber(c, n["raise_by"], 0, 1, &ctx->raise_by); !s.ok()) return s;
  if (n["lower_by"]) if (Status s = GetNumber(c, n["lower_by"], 0, 1, &ctx->lower_by); !s.ok()) return s;
  return Status::OK();
}

Status ParseRule(Ctx c, const YAML::Node& n, Rule* r) {
  r->file = *c.file;
  r->line = n.Mark().line + 1;
  if (!n.IsMap()) return Err(c, n, "a rule must be a mapping");
  if (!n["id"]) return Err(c, n, "rule without 'id'");
  if (Status s = GetString(c, n["id"], &r->id); !s.ok()) return s;
  c.rule_id = r->id;
  if (Status s = CheckKeys(c, n, {"id", "type", "severity", "name", "explanation", "view",
                                  "patterns", "keywords", "spacing", "case_sensitive", "boundary",
                                  "validator", "position", "line_allow", "case", "confidence",
                                  "min_confidence", "context", "examples", "negative_examples"});
      !s.ok())
    return s;
  for (const char* required : {"type", "severity", "name", "explanation", "examples",
                               "negative_examples"})
    if (!n[required]) return Err(c, n, std::string("missing required field '") + required + "'");
  if (Status s = GetString(c, n["type"], &r->type); !s.ok()) return s;
  if (!IsKnownFindingType(r->type)) return Err(c, n["type"], "unknown finding type '" + r->type + "'");
  if (Status s = GetEnum(c, n["severity"], kSeverities, &r->severity); !s.ok()) return s;
  if (Status s = GetBilingual(c, n["name"], &r->name_vi, &r->name_en); !s.ok()) return s;
  if (Status s = GetBilingual(c, n["explanation"], &r->explanation_vi, &r->explanation_en); !s.ok())
    return s;
  if (n["view"]) {
    if (Status s = GetEnum(c, n["view"], {{"exact", ViewKind::kExact}, {"loose", ViewKind::kLoose}},
                           &r->view); !s.ok())
      return s;
  }
  if (n["case_sensitive"]) {
    if (!n["case_sensitive"].IsScalar()) return Err(c, n["case_sensitive"], "expected true/false");
    r->caseless = !n["case_sensitive"].as<bool>(false);
  }
  bool spaced = false;
  if (n["spacing"]) {
    if (Status s = GetEnum(c, n["spacing"], {{"words", false}, {"letters", true}}, &spaced); !s.ok())
      return s;
  }
  if (n["patterns"]) if (Status s = GetStrings(c, n["patterns"], &r->patterns); !s.ok()) return s;
  if (n["keywords"]) {
    std::vector<std::string> words;
    if (Status s = GetStrings(c, n["keywords"], &words); !s.ok()) return s;
    for (const auto& w : words) {
      std::string folded = r->view == ViewKind::kLoose ? LooseForm(*c.norm, w) : w;
      if (folded.empty()) return Err(c, n["keywords"], "empty keyword");
      r->patterns.push_back(KeywordToPattern(folded, spaced));
    }
  }
  if (r->patterns.empty()) return Err(c, n, "needs 'patterns' or 'keywords'");
  if (n["boundary"]) {
    if (Status s = GetEnum(c, n["boundary"], {{"none", Boundary::kNone}, {"digit", Boundary::kDigit},
                                              {"word", Boundary::kAlnum}, {"alnum", Boundary::kAlnum}},
                           &r->boundary); !s.ok())
      return s;
  }
  if (n["validator"]) {
    if (Status s = GetString(c, n["validator"], &r->validator_name); !s.ok()) return s;
    r->validator = FindValidator(r->validator_name);
    if (!r->validator) {
      std::string names;
      for (const auto& v : ValidatorNames()) names += (names.empty() ? "" : ", ") + v;
      return Err(c, n["validator"], "unknown validator '" + r->validator_name + "' (known: " + names + ")");
    }
  }
  if (n["position"]) {
    if (Status s = GetEnum(c, n["position"], {{"anywhere", Position::kAnywhere},
                                              {"own_line", Position::kOwnLine},
                                              {"line_start", Position::kLineStart}},
                           &r->position); !s.ok())
      return s;
  }
  if (n["line_allow"]) {
    std::vector<std::string> raw;
    if (Status s = GetStrings(c, n["line_allow"], &raw); !s.ok()) return s;
    for (const auto& w : raw) r->line_allow.push_back(LooseLower(*c.norm, w));
  }
  if (n["case"]) {
    if (Status s = GetEnum(c, n["case"], {{"any", CaseRule::kAny}, {"not_lower", CaseRule::kNotLower},
                                          {"upper", CaseRule::kUpper}}, &r->case_rule); !s.ok())
      return s;
  }
  if (n["confidence"]) if (Status s = GetNumber(c, n["confidence"], 0, 1, &r->confidence); !s.ok()) return s;
  if (n["min_confidence"])
    if (Status s = GetNumber(c, n["min_confidence"], 0, 1, &r->min_confidence); !s.ok()) return s;
  if (n["context"]) if (Status s = ParseContext(c, n["context"], &r->context); !s.ok()) return s;
  if (r->context.require_first && r->view != ViewKind::kLoose)
    return Err(c, n["context"], "require_first: the phrases are found on the loose view, so the "
                                "rule must be on it");
  if (Status s = GetStrings(c, n["examples"], &r->examples); !s.ok()) return s;
  if (Status s = GetStrings(c, n["negative_examples"], &r->negative_examples); !s.ok()) return s;
  if (r->examples.size() < 2 || r->negative_examples.size() < 2)
    return Err(c, n, "needs at least two examples and two negative_examples");
  return Status::OK();
}

Status ParseAggregate(Ctx c, const YAML::Node& n, AggregateRule* a) {
  if (!n.IsMap() || !n["id"]) return Err(c, n, "aggregate without 'id'");
  if (Status s = GetString(c, n["id"], &a->id); !s.ok()) return s;
  c.rule_id = a->id;
  if (Status s = CheckKeys(c, n, {"id", "type", "severity", "name", "explanation", "of_types",
                                  "min_distinct"}); !s.ok())
    return s;
  for (const char* required : {"type", "severity", "name", "explanation", "of_types", "min_distinct"})
    if (!n[required]) return Err(c, n, std::string("missing required field '") + required + "'");
  if (Status s = GetString(c, n["type"], &a->type); !s.ok()) return s;
  if (!IsKnownFindingType(a->type)) return Err(c, n["type"], "unknown finding type '" + a->type + "'");
  if (Status s = GetEnum(c, n["severity"], kSeverities, &a->severity); !s.ok()) return s;
  if (Status s = GetBilingual(c, n["name"], &a->name_vi, &a->name_en); !s.ok()) return s;
  if (Status s = GetBilingual(c, n["explanation"], &a->explanation_vi, &a->explanation_en); !s.ok())
    return s;
  if (Status s = GetStrings(c, n["of_types"], &a->of_types); !s.ok()) return s;
  double v;
  if (Status s = GetNumber(c, n["min_distinct"], 2, 100000, &v); !s.ok()) return s;
  a->min_distinct = static_cast<int>(v);
  return Status::OK();
}

Status ParsePolicy(const Ctx& c, const YAML::Node& n, Policy* p) {
  if (Status s = CheckKeys(c, n, {"default_group", "fail_mode", "groups"}); !s.ok()) return s;
  if (n["default_group"]) if (Status s = GetString(c, n["default_group"], &p->default_group); !s.ok()) return s;
  if (n["fail_mode"]) if (Status s = GetEnum(c, n["fail_mode"], kActions, &p->fail_mode); !s.ok()) return s;
  if (!n["groups"] || !n["groups"].IsSequence()) return Err(c, n, "policy needs a 'groups' list");
  for (const auto& g : n["groups"]) {
    if (Status s = CheckKeys(c, g, {"name", "hosts", "actions", "unscannable"}); !s.ok()) return s;
    DestinationGroup group;
    if (!g["name"] || !g["actions"]) return Err(c, g, "a group needs 'name' and 'actions'");
    if (Status s = GetString(c, g["name"], &group.name); !s.ok()) return s;
    if (g["hosts"]) if (Status s = GetStrings(c, g["hosts"], &group.hosts); !s.ok()) return s;
    if (g["unscannable"])
      if (Status s = GetEnum(c, g["unscannable"], kActions, &group.unscannable); !s.ok()) return s;
    const YAML::Node& acts = g["actions"];
    if (Status s = CheckKeys(c, acts, {"info", "low", "medium", "high", "critical"}); !s.ok()) return s;
    for (const auto& [name, sev] : kSeverities) {
      if (!acts[name]) return Err(c, acts, "group '" + group.name + "' has no action for '" + name + "'");
      if (Status s = GetEnum(c, acts[name], kActions, &group.action_by_severity[static_cast<int>(sev)]);
          !s.ok())
        return s;
    }
    p->groups.push_back(std::move(group));
  }
  return Status::OK();
}

}  // namespace

Status LoadPack(const std::vector<PackSource>& sources, RulePack* out) {
  std::unique_ptr<Normalizer> norm;
  if (Status s = Normalizer::Create(&norm); !s.ok()) return s;
  RulePack pack;
  bool have_policy = false;
  std::set<std::string> ids;
  for (const auto& src : sources) {
    Ctx c{&src.name, "", norm.get()};
    YAML::Node root;
    try {
      root = YAML::Load(src.text);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(src.name + ":" + std::to_string(e.mark.line + 1) +
                                     ": YAML error: " + e.msg);
    }
    if (!root.IsMap()) return Err(c, root, "a pack file must be a mapping with 'format: 1'");
    if (Status s = CheckKeys(c, root, {"format", "pack", "rules", "aggregates", "policy"}); !s.ok())
      return s;
    if (!root["format"] || root["format"].as<std::string>("") != "1")
      return Err(c, root, "unsupported or missing 'format' (this agent reads format 1)");
    if (const auto& p = root["pack"]) {
      if (Status s = CheckKeys(c, p, {"name", "version"}); !s.ok()) return s;
      if (p["name"]) if (Status s = GetString(c, p["name"], &pack.name); !s.ok()) return s;
      if (p["version"]) if (Status s = GetString(c, p["version"], &pack.version); !s.ok()) return s;
    }
    if (const auto& rules = root["rules"]) {
      if (!rules.IsSequence()) return Err(c, rules, "'rules' must be a list");
      for (const auto& rn : rules) {
        Rule r;
        if (Status s = ParseRule(c, rn, &r); !s.ok()) return s;
        if (!ids.insert(r.id).second) return Err(c, rn, "duplicate rule id '" + r.id + "'");
        pack.rules.push_back(std::move(r));
      }
    }
    if (const auto& aggs = root["aggregates"]) {
      if (!aggs.IsSequence()) return Err(c, aggs, "'aggregates' must be a list");
      for (const auto& an : aggs) {
        AggregateRule a;
        if (Status s = ParseAggregate(c, an, &a); !s.ok()) return s;
        if (!ids.insert(a.id).second) return Err(c, an, "duplicate rule id '" + a.id + "'");
        pack.aggregates.push_back(std::move(a));
      }
    }
    if (const auto& pol = root["policy"]) {
      if (have_policy) return Err(c, pol, "a second 'policy' section; a pack has exactly one");
      have_policy = true;
      if (Status s = ParsePolicy(c, pol, &pack.policy); !s.ok()) return s;
    }
  }
  if (!have_policy) return Status::InvalidArgument("pack has no 'policy' section");
  if (!pack.policy.FindGroup(pack.policy.default_group))
    return Status::InvalidArgument("policy: default_group '" + pack.policy.default_group +
                                   "' is not a defined group");
  if (pack.rules.empty()) return Status::InvalidArgument("pack has no rules");
  *out = std::move(pack);
  return Status::OK();
}

Status LoadPackFromPath(const std::string& path, RulePack* out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec))
      if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status::NotFound(path + ": no .yaml files in this directory");
  } else {
    files.push_back(path);
  }
  std::vector<PackSource> sources;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return Status::IOError(f.string() + ": cannot open");
    std::ostringstream buf;
    buf << in.rdbuf();
    sources.push_back({f.string(), buf.str()});
  }
  return LoadPack(sources, out);
}

}  // namespace dlp
