// Fuzz target: the engine's rewrites of rule patterns (agent/src/pattern_tokens.h, squeeze.h),
// which read patterns from officers' packs.
//
// Input: any bytes, taken as one pattern. Checks: nothing crashes; reversing twice gives the
// pattern back; a squeezed pattern is itself readable; and when Hyperscan accepts both a short
// pattern and its reverse, a backward scan from every end of a text reports exactly the starts
// that forward scans from every start report (the property the engine's confirm step relies
// on). A difference aborts with the pattern.
#include <hs/hs.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "pattern_tokens.h"
#include "squeeze.h"

namespace {

struct Db {
  hs_database_t* db = nullptr;
  ~Db() { hs_free_database(db); }
};

bool Compile(const std::string& expr, Db* out) {
  hs_compile_error_t* err = nullptr;
  if (hs_compile(expr.c_str(), HS_FLAG_CASELESS, HS_MODE_BLOCK, nullptr, &out->db, &err) ==
      HS_SUCCESS)
    return true;
  hs_free_compile_error(err);
  return false;
}

int Collect(unsigned, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::set<unsigned long long>*>(ctx)->insert(to);
  return 0;
}

[[noreturn]] void Fail(const char* what, const std::string& pattern) {
  std::fprintf(stderr, "pattern_rewrite: %s for pattern '%s'\n", what, pattern.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 200) return 0;
  const std::string pattern(reinterpret_cast<const char*>(data), size);
  if (pattern.find('\0') != std::string::npos) return 0;  // not expressible to Hyperscan

  std::string squeezed;
  if (dlp::internal::SqueezePattern(pattern, &squeezed)) {
    std::vector<dlp::internal::PatternToken> tokens;
    if (!dlp::internal::TokenizePattern(squeezed, &tokens)) Fail("unreadable squeeze", pattern);
  }

  std::string reversed, again;
  if (!dlp::internal::ReversePattern(pattern, &reversed)) return 0;
  if (!dlp::internal::ReversePattern(reversed, &again) || again != pattern)
    Fail("reversing twice changed it", pattern);
  if (size > 48) return 0;  // compiling is the slow part: keep the oracle to short patterns

  // Patterns that can match empty are refused by the engine (and give no start to find).
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(pattern.c_str(), HS_FLAG_CASELESS, &info, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return 0;
  }
  const bool empty = info->min_width == 0;
  std::free(info);
  if (empty) return 0;
  Db fwd, bwd;
  if (!Compile("^(?:" + pattern + ")", &fwd)) return 0;
  if (!Compile("^(?:" + reversed + ")", &bwd)) Fail("reverse refused by Hyperscan", pattern);
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(fwd.db, &scratch) != HS_SUCCESS ||
      hs_alloc_scratch(bwd.db, &scratch) != HS_SUCCESS)
    std::abort();
  // A text made of the pattern's own bytes, so that matches are likely.
  std::string text;
  for (char c : pattern)
    if (c != '\\' && c != '(' && c != ')' && c != '[' && c != ']' && c != '{' && c != '}') text += c;
  text += " ab12 " + text;
  const std::string back(text.rbegin(), text.rend());
  std::vector<std::set<unsigned long long>> starts(text.size() + 1);
  for (size_t s = 0; s < text.size(); ++s) {
    std::set<unsigned long long> ends;
    hs_scan(fwd.db, text.data() + s, static_cast<unsigned>(text.size() - s), 0, scratch, Collect,
            &ends);
    for (auto t : ends) starts[s + t].insert(s);
  }
  for (size_t e = 1; e <= text.size(); ++e) {
    std::set<unsigned long long> lens, from_back;
    hs_scan(bwd.db, back.data() + (text.size() - e), static_cast<unsigned>(e), 0, scratch,
            Collect, &lens);
    for (auto t : lens) from_back.insert(e - t);
    if (from_back != starts[e]) Fail("backward and forward starts differ", pattern);
  }
  hs_free_scratch(scratch);
  return 0;
}
