// Fuzz target: the engine's rewrites of rule patterns (agent/src/pattern_tokens.h, squeeze.h),
// which read patterns from officers' packs.
//
// Input: any bytes, taken as one pattern. Checks: nothing crashes; reversing twice gives the
// pattern back; a squeezed pattern is itself readable; when Hyperscan accepts a short pattern
// and its squeezed form, every match of the pattern in a text with whitespace, squeezed, ends
// where a match of the squeezed form ends in the squeezed text (the superset the squeezed view
// relies on); and when Hyperscan accepts both a short pattern and its reverse, a backward scan
// from every end of a text reports exactly the starts that forward scans from every start
// report (the property the engine's confirm step relies on). A difference aborts with the
// pattern.
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

// Pattern syntax left out of the texts built from a pattern's own bytes (escapes, groups,
// classes, repeats), so that what remains is mostly what the pattern matches.
bool IsSyntax(char c) {
  return c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}';
}

// Whether a quantifier of `pattern` counts past 255: Hyperscan takes seconds to compile such
// repeats under the sanitizers (a 5006-byte bound hit the 20 s timeout), and the oracles below
// learn nothing from them that a short bound does not show.
bool HasLongRepeat(const std::string& pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') continue;
    unsigned n = 0;
    for (size_t j = i + 1; j < pattern.size(); ++j) {
      const char c = pattern[j];
      if (c == ',') {
        n = 0;
      } else if (c >= '0' && c <= '9') {
        n = n * 10 + static_cast<unsigned>(c - '0');
        if (n > 255) return true;
      } else {
        break;
      }
    }
  }
  return false;
}

// Every end of a match of `pattern` in `text`, mapped to the text squeezed, must be an end of a
// match of `squeezed` there, and no match may end on whitespace.
void CheckSuperset(const std::string& pattern, const Db& loose, const Db& sq,
                   hs_scratch_t* scratch, const std::string& text) {
  std::string squeezed_text;
  std::vector<unsigned long long> kept_before(text.size() + 1, 0);  // squeezed bytes before i
  for (size_t i = 0; i < text.size(); ++i) {
    kept_before[i] = squeezed_text.size();
    if (!dlp::internal::IsSqueezedOut(static_cast<unsigned char>(text[i]))) squeezed_text += text[i];
  }
  std::set<unsigned long long> loose_ends, sq_ends;
  hs_scan(loose.db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, Collect,
          &loose_ends);
  if (!squeezed_text.empty())
    hs_scan(sq.db, squeezed_text.data(), static_cast<unsigned>(squeezed_text.size()), 0, scratch,
            Collect, &sq_ends);
  for (unsigned long long e : loose_ends) {
    if (dlp::internal::IsSqueezedOut(static_cast<unsigned char>(text[e - 1])))
      Fail("a loose match ends in whitespace", pattern);
    if (!sq_ends.count(kept_before[e - 1] + 1)) Fail("squeezed form misses a match", pattern);
  }
}

// The squeezed form against the pattern on two texts: the pattern's own bytes with whitespace
// of several kinds between them, and bytes drawn at random (seeded by the pattern) from those
// and whitespace, where short patterns match often.
void CheckSqueezedSuperset(const std::string& pattern, const std::string& squeezed) {
  Db loose, sq;
  if (!Compile(pattern, &loose)) return;
  if (!Compile(squeezed, &sq)) return;  // the engine checks this too, and keeps it loose
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(loose.db, &scratch) != HS_SUCCESS ||
      hs_alloc_scratch(sq.db, &scratch) != HS_SUCCESS)
    std::abort();
  static const char* const kGaps[] = {" ", "\t", "", "\n ", "  ", ""};  // kinds, lengths, none
  std::string text, alphabet = " \t\n  ";
  size_t k = 0;
  uint64_t seed = 1469598103934665603ULL;
  for (char c : pattern) {
    seed = (seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    if (IsSyntax(c)) continue;
    text += c;
    text += kGaps[k++ % 6];
    alphabet += c;
  }
  CheckSuperset(pattern, loose, sq, scratch, text + " ab12 " + text);
  std::string random;
  for (int i = 0; i < 256; ++i) {
    seed += 0x9E3779B97F4A7C15ULL;
    uint64_t z = (seed ^ (seed >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    random += alphabet[(z ^ (z >> 31)) % alphabet.size()];
  }
  CheckSuperset(pattern, loose, sq, scratch, random);
  hs_free_scratch(scratch);
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
    if (size <= 48 && !HasLongRepeat(pattern)) CheckSqueezedSuperset(pattern, squeezed);
  }

  std::string reversed, again;
  if (!dlp::internal::ReversePattern(pattern, &reversed)) return 0;
  if (!dlp::internal::ReversePattern(reversed, &again) || again != pattern)
    Fail("reversing twice changed it", pattern);
  // Compiling is the slow part: keep the oracle to short patterns with short repeats.
  if (size > 48 || HasLongRepeat(pattern)) return 0;

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
    if (!IsSyntax(c)) text += c;
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
