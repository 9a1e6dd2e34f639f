// Rendering of scan results for dlp-scan: the human text report and the JSON forms.
#ifndef DLP_CLI_SCAN_OUTPUT_H_
#define DLP_CLI_SCAN_OUTPUT_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "dlp/engine.h"

namespace dlp::cli {

// Newline positions of a scanned text, so a report can say "line 4" (capped for huge inputs).
class LineIndex {
 public:
  void Add(std::string_view chunk);
  // 1-based line and column (in bytes) of `offset`, or {0, 0} if past the cap.
  std::pair<uint64_t, uint64_t> Locate(uint64_t offset) const;

 private:
  static constexpr size_t kMaxLines = 4'000'000;
  std::vector<uint64_t> newlines_;
  uint64_t seen_ = 0;
  bool capped_ = false;
};

// One finding as the JSONL contract has it: rule, type, severity, start, end, masked.
nlohmann::json FindingJson(const Finding& f);
// The full report of one input for --format json.
nlohmann::json ResultJson(const std::string& source, const ScanResult& r, const RulePack& pack);
// The human report for --format text; `lang` is "vi" or "en".
void WriteTextReport(std::ostream& out, const std::string& source, const ScanResult& r,
                     const RulePack& pack, const LineIndex& lines, const std::string& lang);

}  // namespace dlp::cli

#endif  // DLP_CLI_SCAN_OUTPUT_H_
