// Reversed patterns (agent/src/pattern_tokens.h): scanned backwards from an end, they must
// report exactly the starts that forward scans from each start report for that end.
#include "pattern_tokens.h"

#include <hs/hs.h>

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "dlp/default_pack.h"

namespace dlp {
namespace {

std::string Reversed(const std::string& pattern) {
  std::string out;
  return internal::ReversePattern(pattern, &out) ? out : "<not reversible>";
}

TEST_CASE("patterns reverse item by item, groups inside out", "[pattern_tokens]") {
  CHECK(Reversed("abc") == "cba");
  CHECK(Reversed("(?:ab|cd)e{2}") == "e{2}(?:ba|dc)");
  CHECK(Reversed(R"([^\s@]{1,64}@x\.vn)") == R"(nv\.x@[^\s@]{1,64})");
  CHECK(Reversed(R"(a(?:b(?:c|d)?e)+f)") == R"(f(?:e(?:c|d)?b)+a)");
  CHECK(Reversed(R"(\x41\d*.)") == R"(.\d*\x41)");
  CHECK(Reversed("\xE1\xBA\xA5t") == "t\xA5\xBA\xE1");  // bytes, as the engine matches them
  // Assertions and look-arounds depend on the direction: not reversed.
  CHECK(Reversed(R"(^ab)") == "<not reversible>");
  CHECK(Reversed(R"(ab$)") == "<not reversible>");
  CHECK(Reversed(R"(\bab)") == "<not reversible>");
  CHECK(Reversed(R"(a(?=b))") == "<not reversible>");
  CHECK(Reversed(R"((?i)ab)") == "<not reversible>");
  CHECK(Reversed(R"(a(b)") == "<not reversible>");
}

struct Db {
  hs_database_t* db = nullptr;
  ~Db() { hs_free_database(db); }
};

int Collect(unsigned, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::set<unsigned long long>*>(ctx)->insert(to);
  return 0;
}

bool Compile(const std::string& expr, unsigned flags, Db* out) {
  hs_compile_error_t* err = nullptr;
  if (hs_compile(expr.c_str(), flags, HS_MODE_BLOCK, nullptr, &out->db, &err) == HS_SUCCESS)
    return true;
  hs_free_compile_error(err);
  return false;
}

TEST_CASE("every default-pack pattern reversed finds the same spans", "[pattern_tokens]") {
  RulePack pack;
  REQUIRE(LoadDefaultPack(&pack).ok());
  // Text made of the rules' own examples, cut and mixed, so that matches and near misses occur.
  std::string material;
  for (const Rule& r : pack.rules) {
    for (const auto& e : r.examples) material += e + " ";
    for (const auto& e : r.negative_examples) material += e + " ";
  }
  std::mt19937 rng(11);
  hs_scratch_t* scratch = nullptr;
  size_t reversed = 0, checked_spans = 0;
  for (const Rule& r : pack.rules) {
    for (const auto& p : r.patterns) {
      std::string rev;
      if (!internal::ReversePattern(p, &rev)) continue;
      const unsigned flags = r.caseless ? HS_FLAG_CASELESS : 0;
      Db fwd, bwd;
      if (!Compile("^(?:" + p + ")", flags, &fwd)) continue;  // too large anchored: engine's call
      INFO(r.id << ": " << p << " reversed " << rev);
      REQUIRE(Compile("^(?:" + rev + ")", flags, &bwd));
      REQUIRE(hs_alloc_scratch(fwd.db, &scratch) == HS_SUCCESS);
      REQUIRE(hs_alloc_scratch(bwd.db, &scratch) == HS_SUCCESS);
      ++reversed;
      for (int round = 0; round < 25; ++round) {
        size_t at = rng() % (material.size() - 120);
        std::string text = material.substr(at, 20 + rng() % 100);
        std::string back(text.rbegin(), text.rend());
        // spans[e] = starts of matches ending at e, from forward scans at every start.
        std::vector<std::set<unsigned long long>> fwd_starts(text.size() + 1);
        for (size_t s = 0; s < text.size(); ++s) {
          std::set<unsigned long long> ends;
          hs_scan(fwd.db, text.data() + s, static_cast<unsigned>(text.size() - s), 0, scratch,
                  Collect, &ends);
          for (auto t : ends) fwd_starts[s + t].insert(s);
        }
        for (size_t e = 1; e <= text.size(); ++e) {
          std::set<unsigned long long> lens, starts;
          hs_scan(bwd.db, back.data() + (text.size() - e), static_cast<unsigned>(e), 0, scratch,
                  Collect, &lens);
          for (auto t : lens) starts.insert(e - t);
          REQUIRE(starts == fwd_starts[e]);
          checked_spans += starts.size();
        }
      }
    }
  }
  hs_free_scratch(scratch);
  CHECK(reversed > 80);         // nearly every pattern of the pack can be reversed
  CHECK(checked_spans > 1000);  // and the texts did contain matches
}

}  // namespace
}  // namespace dlp
