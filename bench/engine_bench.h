// The engine's own figures: normalization, Hyperscan alone on the views, end to end, paste
// latency in process, and rule compile times.
#ifndef DLP_BENCH_ENGINE_BENCH_H_
#define DLP_BENCH_ENGINE_BENCH_H_

#include <string>

#include "bench_util.h"
#include "dlp/engine.h"

namespace dlp::bench {

struct BenchConfig {
  int runs = 5;               // repetitions of each throughput figure (median reported)
  int latency_iters = 1000;   // pastes per size for the latency percentiles (1 MiB: a tenth)
  int synthetic_rules = 1000;
  std::string tmp_dir;        // for caches and exported files
};

// Fills `report` and returns the end-to-end throughput in MB/s (the reference for ratios).
double RunEngineBench(const Engine& engine, const std::string& corpus, const BenchConfig& cfg,
                      Report* report);
// Compile times: the default pack cold and from a warm cache, and a synthetic large pack.
void RunCompileBench(const RulePack& pack, const BenchConfig& cfg, Report* report);
// A pack of `n` synthetic rules shaped like real ones (keywords, numbers with a prefix, codes).
RulePack SyntheticPack(const RulePack& base, int n);

}  // namespace dlp::bench

#endif  // DLP_BENCH_ENGINE_BENCH_H_
