// The engine's Hyperscan stream databases rebuilt from a pack, for timing Hyperscan on its own:
// the exact view, the loose view, and the keyword-like loose patterns that run as literals on
// the squeezed loose view (agent/src/squeeze.h). Shared by the "scan only" row and the rule
// costs.
#ifndef DLP_BENCH_VIEW_DBS_H_
#define DLP_BENCH_VIEW_DBS_H_

#include <hs/hs.h>

#include <cstddef>
#include <string>
#include <vector>

#include "dlp/rule_pack.h"

namespace dlp::bench {

constexpr size_t kSessionChunk = 128 * 1024;  // what ScanSession normalizes and scans per step
constexpr int kDbCount = kViewCount + 1;      // the views' databases, then the squeezed one
constexpr int kSqueezed = kViewCount;

struct ViewPatterns {
  std::vector<std::string> exprs;
  std::vector<unsigned> flags;
};

// The patterns of every rule but `skip` (-1: none), split by database as the engine splits them.
void SplitPatterns(const RulePack& pack, int skip, ViewPatterns out[kDbCount]);
// `p` compiled in stream mode for the engine's platform (agent/src/hs_platform.h), or with
// `host_features` for everything this CPU has; false if it is empty or does not compile.
bool CompileStream(const ViewPatterns& p, hs_database_t** db, bool host_features = false);
// A Hyperscan match callback counting matches in the size_t at `ctx`.
int CountHit(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx);

}  // namespace dlp::bench

#endif  // DLP_BENCH_VIEW_DBS_H_
