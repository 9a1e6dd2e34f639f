// RulePack: the in-memory form of a rule pack (format v1, documented in rules/FORMAT.md).
//
// A pack is data: rules with their names, explanations, patterns, validator, context words and
// examples, aggregate rules, and the policy that turns findings into an action per destination
// group. LoadPack() parses and checks YAML sources; nothing is half-loaded: either every file,
// rule and pattern is valid, or the Status names the file, line and rule id at fault.
//
// Thread safety: a loaded RulePack is immutable and may be shared.
#ifndef DLP_RULE_PACK_H_
#define DLP_RULE_PACK_H_

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dlp/normalizer.h"
#include "dlp/status.h"
#include "dlp/validators.h"

namespace dlp {

// Ordered: a higher severity never yields a weaker action under the same policy.
enum class Severity { kInfo = 0, kLow, kMedium, kHigh, kCritical };
inline constexpr int kSeverityCount = 5;
enum class Action { kAllow = 0, kWarn, kBlock };

std::string_view SeverityName(Severity s);
std::string_view ActionName(Action a);

// Where a match must stand for it to count.
enum class Position {
  kAnywhere,   // a running sentence is fine (identifiers)
  kOwnLine,    // alone on its line(s), apart from `line_allow` words, digits and punctuation
  kLineStart,  // first thing on its line (a "Độ mật:" metadata field)
};
// What must be true of the neighbours of a match in its view.
enum class Boundary { kNone, kDigit, kAlnum };
// Letter case required of the matched letters (checked on the view).
enum class CaseRule { kAny, kNotLower, kUpper };

struct ContextSpec {
  int window_before = 60;  // bytes of the loose view searched before the match
  int window_after = 40;   // ... and after
  std::vector<std::string> raise;    // loose, lower-case phrases that add `raise_by`
  std::vector<std::string> lower;    // phrases that subtract `lower_by`
  std::vector<std::string> require;  // at least one must be near, or no finding
  std::vector<std::string> require_patterns;  // ICU regexes on the exact view window
  // Find the `require` phrases first and match the patterns only around them (a speed choice
  // for loose rules whose patterns, such as a capital and seven digits, would otherwise be
  // searched everywhere; the findings are the same). Needs `require`, no `require_patterns`.
  bool require_first = false;
  double raise_by = 0.2;
  double lower_by = 0.6;
};

struct Rule {
  std::string id;
  std::string type;  // finding type vocabulary, e.g. "cccd", "secret_marking"
  Severity severity = Severity::kMedium;
  std::string name_vi, name_en, explanation_vi, explanation_en;
  ViewKind view = ViewKind::kLoose;
  std::vector<std::string> patterns;  // Hyperscan syntax; keywords are compiled into these
  bool caseless = true;
  Boundary boundary = Boundary::kNone;
  std::string validator_name;
  ValidatorFn validator = nullptr;
  Position position = Position::kAnywhere;
  std::vector<std::string> line_allow;  // loose lower-case words that may share a stamp's line
  CaseRule case_rule = CaseRule::kAny;
  ContextSpec context;
  double confidence = 0.8;      // before context
  double min_confidence = 0.5;  // findings below it are dropped
  std::vector<std::string> examples, negative_examples;
  std::string file;  // where it was defined, for errors
  int line = 0;
};

// Fires when findings of `of_types` carry at least `min_distinct` distinct values in one text.
struct AggregateRule {
  std::string id, type;
  Severity severity = Severity::kHigh;
  std::string name_vi, name_en, explanation_vi, explanation_en;
  std::vector<std::string> of_types;
  int min_distinct = 3;
};

struct DestinationGroup {
  std::string name;                    // "public_ai", "approved_ai", "other"
  std::vector<std::string> hosts;      // host suffixes or host/path prefixes
  std::array<Action, kSeverityCount> action_by_severity{};  // indexed by Severity
  Action unscannable = Action::kAllow;  // files a hook cannot read as text (images, PDFs, ...)
  // Hooks intercept toward this group only when something there is not simply allowed.
  bool Guarded() const;
};

struct Policy {
  std::vector<DestinationGroup> groups;
  std::string default_group = "other";   // destinations that match no group
  Action fail_mode = Action::kBlock;     // what hooks do when the agent is unreachable
  // The group a destination (host, URL or group name) belongs to.
  const DestinationGroup* GroupFor(std::string_view destination) const;
  const DestinationGroup* FindGroup(std::string_view name) const;
};

struct RulePack {
  std::string name;
  std::string version;
  std::vector<Rule> rules;
  std::vector<AggregateRule> aggregates;
  Policy policy;
};

// One YAML source of a pack: its name (for errors) and its text.
struct PackSource {
  std::string name;
  std::string text;
};

// Parses and checks `sources` as one pack. Checks everything except pattern compilation, which
// Engine::Create reports with the same file/line/rule detail.
Status LoadPack(const std::vector<PackSource>& sources, RulePack* out);
// Reads a pack from a YAML file or from every *.yaml file of a directory.
Status LoadPackFromPath(const std::string& path, RulePack* out);

}  // namespace dlp

#endif  // DLP_RULE_PACK_H_
