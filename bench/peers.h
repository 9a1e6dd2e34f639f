// Other engines on the same text and the same rules (the `dlp-rules export --format regex`
// lines): ripgrep, GNU grep, RE2::Set, PCRE2 JIT and Hyperscan on its own, where installed.
#ifndef DLP_BENCH_PEERS_H_
#define DLP_BENCH_PEERS_H_

#include <string>
#include <vector>

#include "bench_util.h"
#include "dlp/rule_pack.h"

namespace dlp::bench {

struct ExportedPattern {
  std::string rule_id, view;
  bool caseless = false;
  std::string regex;  // one line: \n, \t, \r written as escapes
};

// The export lines of `pack`, as `dlp-rules export --format regex` prints them.
std::string ExportRegex(const RulePack& pack);
std::vector<ExportedPattern> ParseExport(const std::string& text);

struct PeerConfig {
  std::string corpus_path;  // the corpus on disk, for the programs
  std::string tmp_dir;
  double budget_s = 8;      // a slow engine scans a prefix sized to take about this long
  bool quick = false;
};

// Adds one row per engine and configuration, each with its ratio to `ours_mbps`.
void RunPeers(const std::string& corpus, const std::vector<ExportedPattern>& patterns,
              const PeerConfig& cfg, double ours_mbps, Report* report);

}  // namespace dlp::bench

#endif  // DLP_BENCH_PEERS_H_
