// From findings to a verdict: aggregate rules, de-duplication, then the strictest action the
// destination group's policy gives any finding (block > warn > allow).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "scan_session_state.h"

namespace dlp {

Status ScanSession::State::BuildResult(ScanResult* out) {
  ScanResult res;
  const RulePack& pack = eng->pack;
  for (size_t a = 0; a < pack.aggregates.size(); ++a) {
    const AggregateRule& ag = pack.aggregates[a];
    size_t n = agg.people[a].People();
    if (n < static_cast<size_t>(ag.min_distinct)) continue;
    findings.push_back({ag.id, ag.type, ag.severity, 1.0, agg.span[a].first, agg.span[a].second,
                        std::to_string(n) + " people"});
  }
  // Two rules may find the same span (a business and a personal tax-code rule): keep the most
  // severe finding of each type per span. Sorted as compact keys, then moved once: a Finding
  // holds three strings, moving them through the sort cost more than the comparisons, and
  // comparing through indices missed the cache on every comparison (a dense text has tens of
  // thousands of findings).
  struct Key {
    uint64_t start, end;
    uint32_t index;
  };
  std::vector<Key> order(findings.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = {findings[i].start, findings[i].end, static_cast<uint32_t>(i)};
  auto before = [this](const Key& a, const Key& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.end != b.end) return a.end > b.end;
    const Finding& x = findings[a.index];
    const Finding& y = findings[b.index];
    if (x.type != y.type) return x.type < y.type;
    if (x.severity != y.severity) return x.severity > y.severity;
    return a.index < b.index;  // as found, so equal findings keep one order whatever the sort does
  };
  std::sort(order.begin(), order.end(), before);
  res.findings.reserve(order.size());
  for (const Key& k : order) {
    Finding& f = findings[k.index];
    if (!res.findings.empty()) {
      const Finding& last = res.findings.back();
      if (last.start == f.start && last.end == f.end && last.type == f.type) continue;
    }
    res.findings.push_back(std::move(f));
  }
  findings.clear();

  const DestinationGroup* group = pack.policy.GroupFor(opt.destination);
  res.group = group ? group->name : "";
  for (size_t i = 0; group && i < res.findings.size(); ++i) {
    Action a = group->action_by_severity[static_cast<int>(res.findings[i].severity)];
    if (a > res.action) {
      res.action = a;
      res.justifying.clear();
    }
    if (a == res.action && a != Action::kAllow) res.justifying.push_back(i);
  }
  for (const Finding& f : res.findings) ++res.type_counts[f.type];
  for (size_t r = 0; r < dropped_by_rule.size(); ++r)
    if (dropped_by_rule[r]) res.type_counts[pack.rules[r].type] += dropped_by_rule[r];
  res.bytes_scanned = consumed;
  res.findings_dropped = dropped;
  *out = std::move(res);
  return Status::OK();
}

}  // namespace dlp
