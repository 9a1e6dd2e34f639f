// What each rule costs Hyperscan on the loose view (dlp-bench --rule-costs): the loose view's
// stream database is rebuilt without one rule at a time and timed on the same text. Costs do not
// add up (Hyperscan picks its literal factors and engines for the whole set), so the figure that
// tells a rule author where the time goes is how much faster the rest runs without a rule.
#ifndef DLP_BENCH_RULE_COST_BENCH_H_
#define DLP_BENCH_RULE_COST_BENCH_H_

#include <string>

#include "bench_util.h"
#include "dlp/rule_pack.h"
#include "engine_bench.h"

namespace dlp::bench {

// Rows for the rules whose removal speeds up the loose view's scan the most (at most `top`),
// measured on the loose view of up to the first 16 MiB of `corpus`.
void RunRuleCostBench(const RulePack& pack, const std::string& corpus, const BenchConfig& cfg,
                      int top, Report* report);

}  // namespace dlp::bench

#endif  // DLP_BENCH_RULE_COST_BENCH_H_
