#include "rule_cost_bench.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "dlp/normalizer.h"
#include "view_dbs.h"

namespace dlp::bench {
namespace {

constexpr size_t kSample = 16 * 1024 * 1024;  // enough text for stable figures, quick compiles

struct HsDb {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~HsDb() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
};

// The loose view's stream database as the engine builds it (patterns that run as literals on
// the squeezed view left out), from every rule but `skip` (-1: none). False if it has no
// pattern or does not compile.
bool BuildLoose(const RulePack& pack, int skip, HsDb* out) {
  ViewPatterns patterns[kDbCount];
  SplitPatterns(pack, skip, patterns);
  return CompileStream(patterns[static_cast<int>(ViewKind::kLoose)], &out->db) &&
         hs_alloc_scratch(out->db, &out->scratch) == HS_SUCCESS;
}

// Median milliseconds of a streamed scan of `text`, in the session's chunk size, after one
// untimed scan: a database's first scan after compiling also pays for faulting in its scratch
// and tables (~5 % of "all rules", which is timed first).
double ScanMs(const HsDb& db, const std::string& text, int runs) {
  auto scan = [&] {
    size_t hits = 0;
    hs_stream_t* st = nullptr;
    if (hs_open_stream(db.db, 0, &st) != HS_SUCCESS) return;
    for (size_t p = 0; p < text.size(); p += kSessionChunk)
      hs_scan_stream(st, text.data() + p, static_cast<unsigned>(std::min(kSessionChunk, text.size() - p)),
                     0, db.scratch, CountHit, &hits);
    hs_close_stream(st, db.scratch, CountHit, &hits);
  };
  scan();
  return MedianMs(runs, scan);
}

}  // namespace

void RunRuleCostBench(const RulePack& pack, const std::string& corpus, const BenchConfig& cfg,
                      int top, Report* report) {
  std::unique_ptr<Normalizer> norm;
  if (!Normalizer::Create(&norm).ok()) return;
  std::string_view sample(corpus.data(), std::min(corpus.size(), kSample));
  while (!sample.empty() && sample.back() != '\n') sample.remove_suffix(1);  // whole lines
  NormalizedView exact, loose;
  norm->NormalizeBoth(sample, 0, &exact, &loose);
  std::string().swap(exact.text);

  report->Section("Rule costs: Hyperscan on the loose view (" +
                  std::to_string(loose.text.size() >> 20) + " MiB), one rule left out at a time");
  HsDb all;
  if (!BuildLoose(pack, -1, &all)) {
    report->Text("loose view database", "did not compile");
    return;
  }
  const double base_ms = ScanMs(all, loose.text, cfg.runs);
  report->Row("all rules", MBps(loose.text.size(), base_ms), "MB/s", "", "loose_db_mbps");
  struct Cost {
    size_t rule;
    double ms;
  };
  std::vector<Cost> costs;
  for (size_t r = 0; r < pack.rules.size(); ++r) {
    if (pack.rules[r].view != ViewKind::kLoose) continue;
    HsDb without;
    if (!BuildLoose(pack, static_cast<int>(r), &without)) continue;
    costs.push_back({r, ScanMs(without, loose.text, cfg.runs)});
  }
  std::sort(costs.begin(), costs.end(), [](const Cost& a, const Cost& b) { return a.ms < b.ms; });
  for (size_t k = 0; k < costs.size() && static_cast<int>(k) < top; ++k) {
    const double gain = (base_ms / costs[k].ms - 1) * 100;
    char note[64];
    std::snprintf(note, sizeof note, "%+.0f %% without it", gain);
    report->Row("without " + pack.rules[costs[k].rule].id, MBps(loose.text.size(), costs[k].ms),
                "MB/s", note);
  }
}

}  // namespace dlp::bench
