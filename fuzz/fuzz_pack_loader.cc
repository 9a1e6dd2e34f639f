// Fuzz target: the rule-pack YAML loader (LoadPack), and Engine::Create on what it accepts.
//
// Input: YAML text, loaded as one pack file beside the default policy file, so rules that parse
// reach the policy and cross-file checks. A pack that loads must compile or fail with a Status
// (Hyperscan rejecting a pattern is an error, never a crash); only small packs are compiled, to
// keep executions fast.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dlp/default_pack.h"
#include "dlp/engine.h"
#include "dlp/rule_pack.h"

namespace {
dlp::PackSource g_policy;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (auto& s : dlp::DefaultPackSources())
    if (s.name.find("00-policy") != std::string::npos) g_policy = s;
  if (g_policy.text.empty()) abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  dlp::RulePack alone;
  dlp::Status s1 = dlp::LoadPack({{"fuzz.yaml", text}}, &alone);
  if (!s1.ok() && s1.message().empty()) abort();  // an error always says why
  dlp::RulePack pack;
  dlp::Status s = dlp::LoadPack({g_policy, {"fuzz.yaml", text}}, &pack);
  if (!s.ok()) return 0;
  if (pack.rules.size() > 4) return 0;
  size_t patterns = 0;
  for (const auto& r : pack.rules) patterns += r.patterns.size();
  if (patterns > 8) return 0;
  std::unique_ptr<dlp::Engine> engine;
  if (!dlp::Engine::Create(std::move(pack), &engine).ok()) return 0;
  dlp::ScanResult r;
  dlp::ScanOptions so;
  so.current_year = 2026;
  // Scan the input itself: rule examples tend to live in it.
  if (!engine->Scan(text, so, &r).ok()) abort();
  for (const auto& f : r.findings)
    if (f.start >= f.end || f.end > text.size()) abort();
  return 0;
}
