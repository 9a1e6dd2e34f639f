// The squeezed loose view (agent/src/squeeze.h): which patterns may move there and how ends
// map back. engine_equivalence_test.cc checks that the engine finds the same with and without.
#include "squeeze.h"
#include "squeeze_blocks.h"

#include <catch2/catch.hpp>
#include <hs/hs.h>

#include <cctype>

#include <random>
#include <string>
#include <vector>


namespace dlp {
namespace {

std::string Squeezed(const std::string& pattern) {
  std::string out;
  return internal::SqueezePattern(pattern, &out) ? out : "<stays loose>";
}

TEST_CASE("keyword gaps are dropped so keywords become literals", "[squeeze]") {
  CHECK(Squeezed(R"(chan\s{1,4}doan)") == "chandoan");
  CHECK(Squeezed(R"(T\s{0,4}O\s{0,4}I\s{0,4}M\s{0,4}A\s{0,4}T)") == "TOIMAT");
  CHECK(Squeezed(R"(ph\xC3\xA1t\s+tu)") == R"(ph\xC3\xA1ttu)");
  CHECK(Squeezed(R"(Do\s{1,3}khan\s{0,3}[:|=-]\s{0,8}(?:Hoa\s{1,3}toc|Khan))") ==
        "Dokhan[:|=-](?:Hoatoc|Khan)");
  CHECK(Squeezed(R"((?:\s{1,3}[a-z0-9]{1,12}){0,5}\s{0,3}[:=]\s{0,3}\S{0,32}[0-9])") ==
        R"((?:[a-z0-9]{1,12}){0,5}[:=]\S{0,32}[0-9])");
  CHECK(Squeezed(R"(B\s{0,2}S\s{0,3}[:.]?\s{0,3}[0-9]{1,4})") == "BS[:.]?[0-9]{1,4}");
}

TEST_CASE("patterns that could lose a match when squeezed stay on the loose view", "[squeeze]") {
  // Nothing to drop: the loose view is as good.
  CHECK(Squeezed("abc") == "<stays loose>");
  CHECK(Squeezed(R"([0-9]{1,5}/[A-Z]{2})") == "<stays loose>");
  // A match could end in whitespace, which squeezing removes.
  CHECK(Squeezed(R"(abc\s{0,3})") == "<stays loose>");
  CHECK(Squeezed(R"(a\s{1,3}b?)") == "<stays loose>");
  CHECK(Squeezed(R"(x\s{0,2}(?:a|b?))") == "<stays loose>");
  CHECK(Squeezed(R"(x\s{0,2}(?:ab)?)") == "<stays loose>");
  CHECK(Squeezed(R"((?:a\s)+b)") == "<stays loose>");
  // Something else that can match whitespace where a match could end, or with a lazy or
  // possessive quantifier whose minimum cannot be lowered; escapes and classes not understood.
  CHECK(Squeezed(R"(a\s{0,2}b[^x]{0,9})") == "<stays loose>");
  CHECK(Squeezed(R"(a\s{0,2}b(?:c.)?d)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s{0,2}[^x]{1,3}?b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s\Wb)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s[[:alpha:]]b)") == "<stays loose>");
  // No gap: numbers with optional separators glue together squeezed (more hits, slower).
  CHECK(Squeezed(R"((?:\+84|0)[ .-]?[0-9](?:[ .-]?[0-9]){8})") == "<stays loose>");
  CHECK(Squeezed("a b") == "<stays loose>");
  // Anchors, look-arounds, flags, and branches that would become empty.
  CHECK(Squeezed(R"(^a\sb)") == "<stays loose>");
  CHECK(Squeezed(R"(a\sb$)") == "<stays loose>");
  CHECK(Squeezed(R"((?i)a\sb)") == "<stays loose>");
  CHECK(Squeezed(R"((?:a|\s)b)") == "<stays loose>");
  // Malformed input is left for Hyperscan to report on the loose view.
  CHECK(Squeezed(R"(a\s(b)") == "<stays loose>");
  CHECK(Squeezed(R"(a\s[bc)") == "<stays loose>");
}

TEST_CASE("what else may match whitespace keeps its other bytes, with no minimum", "[squeeze]") {
  // A loose match keeps, squeezed, only the non-whitespace bytes each part matched: as many
  // or fewer, possibly none. Whitespace-only parts (a space, \t, \x20) are dropped like gaps.
  CHECK(Squeezed(R"(a b\s+c)") == "abc");
  CHECK(Squeezed(R"(a\s\x20b)") == "ab");
  CHECK(Squeezed(R"(a\s\tb)") == "ab");
  CHECK(Squeezed(R"(a\s.b)") == R"(a[\x00-\x08\x0e-\x1f\x21-\xff]?b)");
  CHECK(Squeezed(R"(a\s[^x]b)") == R"(a[\x00-\x08\x0e-\x1f\x21-\x77\x79-\xff]?b)");
  CHECK(Squeezed(R"(a\s[ -~]+b)") == R"(a[\x21-\x7e]*b)");
  CHECK(Squeezed(R"(a\s[ .-]{2}b)") == R"(a[\x2d-\x2e]{0,2}b)");
  CHECK(Squeezed(R"(a\s[ .-]{2,}b)") == R"(a[\x2d-\x2e]*b)");
  // The JSON form of the urgency field: a gap, and a body of anything but braces.
  CHECK(Squeezed(R"(["']do_?khan["']\s{0,3}:\s{0,3}\{[^{}]{0,120}["'](?:Hoa\s{1,3}toc|Khan)["'])") ==
        R"(["']do_?khan["']:\{[\x00-\x08\x0e-\x1f\x21-\x7a\x7c\x7e-\xff]{0,120}["'](?:Hoatoc|Khan)["'])");
}

TEST_CASE("stamp keywords are narrowed to the case their rule requires", "[squeeze]") {
  auto narrowed = [](const std::string& literal, bool upper_only) {
    std::string out;
    return internal::NarrowKeywordCase(literal, upper_only, &out) ? out : "<unchanged>";
  };
  CHECK(narrowed("mat", true) == "MAT");
  CHECK(narrowed("MAT", false) == "(?:M(?i:AT)|mA(?i:T)|maT)");
  CHECK(narrowed("K", false) == "(?:K)");
  // Only plain letters: anything else keeps its caseless pattern.
  CHECK(narrowed("TOI MAT", false) == "<unchanged>");
  CHECK(narrowed("BANSAOSO[:.]?[0-9]{1,4}", false) == "<unchanged>");
  CHECK(narrowed(R"(\x6d\x61\x74)", false) == "<unchanged>");
  CHECK(narrowed("", false) == "<unchanged>");
  // Every spelling with a capital, and none without, is matched: checked with Hyperscan on all
  // 2^4 spellings of a four-letter keyword.
  const std::string form = narrowed("KHAN", false);
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  REQUIRE(hs_compile(("^" + form + "$").c_str(), 0, HS_MODE_BLOCK, nullptr, &db, &err) == HS_SUCCESS);
  hs_scratch_t* scratch = nullptr;
  REQUIRE(hs_alloc_scratch(db, &scratch) == HS_SUCCESS);
  for (int bits = 0; bits < 16; ++bits) {
    std::string word = "khan";
    for (int k = 0; k < 4; ++k)
      if (bits & (1 << k)) word[k] = static_cast<char>(std::toupper(word[k]));
    bool matched = false;
    hs_scan(db, word.data(), static_cast<unsigned>(word.size()), 0, scratch,
            [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
              *static_cast<bool*>(ctx) = true;
              return 0;
            },
            &matched);
    INFO(word);
    CHECK(matched == (bits != 0));
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
}

TEST_CASE("a squeezed end maps back to the loose byte it came from", "[squeeze]") {
  internal::SqueezedChunk chunk;
  chunk.Build("ab  c\td\n\ne ");
  CHECK(chunk.text() == "abcde");
  CHECK(chunk.LooseEnd(1) == 1);
  CHECK(chunk.LooseEnd(2) == 2);
  CHECK(chunk.LooseEnd(3) == 5);
  CHECK(chunk.LooseEnd(4) == 7);
  CHECK(chunk.LooseEnd(5) == 10);

  // Long runs of whitespace and whole blocks of it, against a direct count.
  std::mt19937 rng(7);
  std::string loose;
  std::vector<size_t> ends;  // loose end of each kept byte
  for (int i = 0; i < 20000; ++i) {
    int run = rng() % 10 == 0 ? static_cast<int>(rng() % 300) : static_cast<int>(rng() % 2);
    loose.append(static_cast<size_t>(run), " \t\n\r"[rng() % 4]);
    loose.push_back(static_cast<char>('a' + rng() % 26));
    ends.push_back(loose.size());
  }
  chunk.Build(loose);
  REQUIRE(chunk.text().size() == ends.size());
  for (size_t q = 0; q < ends.size(); ++q) REQUIRE(chunk.LooseEnd(q + 1) == ends[q]);
}

TEST_CASE("the architecture's squeeze loop gives the scalar loop's bytes", "[squeeze]") {
  // Every byte value, whitespace from none to nearly all, lengths that end inside a block and
  // inputs that start at every alignment: the vector loop must agree byte for byte.
  std::mt19937 rng(11);
  for (int trial = 0; trial < 2000; ++trial) {
    const size_t n = rng() % 700, misalign = rng() % 16;
    const unsigned ws_percent = rng() % 101;
    std::string buf(misalign + n, '\0');
    for (size_t i = misalign; i < buf.size(); ++i)
      buf[i] = rng() % 100 < ws_percent ? " \t\n\v\f\r"[rng() % 6] : static_cast<char>(rng() % 256);
    const std::string_view loose = std::string_view(buf).substr(misalign);
    std::string want;
    for (char c : loose)
      if (!internal::IsSqueezedOut(static_cast<unsigned char>(c))) want.push_back(c);

    const size_t blocks = n / internal::kSqueezeBlock;
    const auto* in = reinterpret_cast<const unsigned char*>(loose.data());
    std::string a(n + internal::kSqueezeSlack, '\0'), b = a;
    std::vector<uint32_t> sa(blocks + 1), sb(blocks + 1);
    const size_t ja = internal::SqueezeBlocks(in, blocks, a.data(), sa.data(), 0);
    const size_t jb = internal::SqueezeBlocksScalar(in, blocks, b.data(), sb.data(), 0);
    REQUIRE(ja == jb);
    REQUIRE(a.substr(0, ja) == b.substr(0, jb));
    REQUIRE(sa == sb);

    internal::SqueezedChunk chunk;
    chunk.Build(loose);
    REQUIRE(chunk.text() == want);
  }
}

}  // namespace
}  // namespace dlp
