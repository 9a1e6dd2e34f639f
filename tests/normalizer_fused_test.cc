// NormalizeBoth (the session's one-pass path) must give exactly what two Normalize calls give:
// the same bytes and the same offset maps, for every kind of segment the normalizer handles.
#include "dlp/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dlp {
namespace {

TEST_CASE("NormalizeBoth equals Normalize per view", "[normalizer]") {
  std::unique_ptr<Normalizer> n;
  REQUIRE(Normalizer::Create(&n).ok());
  const std::string cases[] = {
      "",
      "plain ASCII, digits 0123456789\tand\r\nlines",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nTỐI MẬT",
      "TO\u0302\u0301I Ma\u0323\u0302t, Vie\u0323\u0302t Nam",        // NFD
      "M\u200BẬ\u200DT s\u00ADố",                                       // zero-width, soft hyphen
      "ТОІ МАТ ＴＯＩ　ＭＡＴ ０３８２００１２３４５６",                   // look-alikes, full-width
      "bad \xFF\xE1\xBB utf8 \xC0\x80 and \U0001F600 emoji \u1100\u1161 jamo",
      "\x01\x7F\xC2\x85 controls a\u0301\u0301\u0301\u0301 many marks",
  };
  for (const std::string& text : cases) {
    for (uint64_t base : {uint64_t{0}, uint64_t{1} << 33}) {
      NormalizedView ex, lo, both_ex, both_lo;
      n->Normalize(text, ViewKind::kExact, base, &ex);
      n->Normalize(text, ViewKind::kLoose, base, &lo);
      n->NormalizeBoth(text, base, &both_ex, &both_lo);
      INFO(text);
      CHECK(both_ex.text == ex.text);
      CHECK(both_ex.pieces == ex.pieces);
      CHECK(both_lo.text == lo.text);
      CHECK(both_lo.pieces == lo.pieces);
    }
  }
}

void AppendCp(char32_t c, std::string* out) {
  icu::UnicodeString(static_cast<UChar32>(c)).toUTF8String(*out);
}

// Random text made of what the fused fast path handles (ASCII, precomposed Latin and Vietnamese)
// mixed with everything that must leave it (marks after ASCII or after Vietnamese letters,
// zero-width and soft hyphen, look-alikes, C0/C1 controls, jamo, half-width voiced marks, emoji,
// and, when `invalid`, ill-formed UTF-8 including truncated sequences at the end).
std::string RandomText(uint64_t* state, size_t pieces, bool invalid) {
  auto next = [state]() {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  static const char32_t kOthers[] = {0x0300, 0x0301, 0x0303, 0x0309, 0x0323, 0x0302, 0x0306,
                                     0x031B, 0x200B, 0x200D, 0x00AD, 0xFEFF, 0x0410, 0x043E,
                                     0x0391, 0xFF34, 0x3000, 0x00A0, 0x2013, 0x2028, 0x0085,
                                     0x0080, 0x1100, 0x1161, 0xFF76, 0xFF9E, 0x1F600, 0x00BD,
                                     0xFB01, 0x0344, 0x1E9B, 0x1EF9, 0x01C4, 0x0149, 0x2126};
  static const char* const kBad[] = {"\xFF", "\xC0\x80", "\xE1\xBB", "\xED\xA0\x80",
                                     "\x80", "\xF4\x90\x80\x80", "\xC3", "\xE1"};
  std::string s;
  for (size_t k = 0; k < pieces; ++k) {
    const uint64_t r = next();
    switch (r % 8) {
      case 0: case 1: case 2: s += static_cast<char>(0x20 + (r >> 8) % 95); break;
      case 3: s += static_cast<char>((r >> 8) % 0x80); break;  // controls too
      case 4: AppendCp(static_cast<char32_t>(0x00C0 + (r >> 8) % (0x0250 - 0x00C0)), &s); break;
      case 5: AppendCp(static_cast<char32_t>(0x1EA0 + (r >> 8) % (0x1EFA - 0x1EA0)), &s); break;
      case 6: AppendCp(kOthers[(r >> 8) % std::size(kOthers)], &s); break;
      case 7:
        if (invalid) s += kBad[(r >> 8) % std::size(kBad)];
        else AppendCp(static_cast<char32_t>(0x0100 + (r >> 8) % 0x0700), &s);
        break;
    }
  }
  return s;
}

// The fused path (table fast path included) against the per-view path, on random mixed text.
TEST_CASE("NormalizeBoth equals Normalize per view on random mixed text", "[normalizer]") {
  std::unique_ptr<Normalizer> n;
  REQUIRE(Normalizer::Create(&n).ok());
  uint64_t state = 42;
  for (int round = 0; round < 3000; ++round) {
    const std::string text = RandomText(&state, 1 + round % 97, round % 3 == 0);
    const uint64_t base = round % 2 ? 0 : (uint64_t{1} << 33) + 7;
    NormalizedView ex, lo, both_ex, both_lo;
    n->Normalize(text, ViewKind::kExact, base, &ex);
    n->Normalize(text, ViewKind::kLoose, base, &lo);
    n->NormalizeBoth(text, base, &both_ex, &both_lo);
    INFO("round " << round);
    REQUIRE(both_ex.text == ex.text);
    REQUIRE(both_ex.pieces == ex.pieces);
    REQUIRE(both_lo.text == lo.text);
    REQUIRE(both_lo.pieces == lo.pieces);
  }
}

// Long stretches the fast path takes whole (across its 4 KiB blocks), broken now and then by
// something it must hand back (a mark after the stretch's last letter, a control, other
// scripts), into views that already hold text: the fused path must still equal the per-view
// path, anchors and the segment taken back at a block's edge included.
TEST_CASE("NormalizeBoth equals Normalize per view on long text appended to views", "[normalizer]") {
  std::unique_ptr<Normalizer> n;
  REQUIRE(Normalizer::Create(&n).ok());
  static const char* const kFast[] = {"C\u00F4ng ", "v\u0103n ", "s\u1ED1 ", "123/UBND ",
                                      "\u0110\u1ED9c l\u1EADp", " - ", "T\u1EF0 DO ",
                                      "ng\u00E0y\n", "abcdefghijklm", "\u00E9"};
  static const char* const kBreak[] = {"\u0301", "\u0323\u0302", "\x01", "\x7F", "\u200B",
                                       "\u4E2D", "\xFF", "\u1100\u1161", "\x0C"};
  uint64_t state = 99;
  auto next = [&state]() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int round = 0; round < 60; ++round) {
    std::string text;
    const size_t want = 1 + next() % 20000;
    while (text.size() < want) {
      const uint64_t r = next();
      if (r % 64 == 0) text += kBreak[(r >> 8) % std::size(kBreak)];
      else text += kFast[(r >> 8) % std::size(kFast)];
    }
    if (round % 4 == 1) text.resize(want);  // may end inside a code point
    const std::string prefix = round % 3 == 0 ? "" : round % 3 == 1 ? "x\u0301 " : "\u1EA0";
    NormalizedView ex, lo, both_ex, both_lo;
    for (NormalizedView* v : {&ex, &both_ex}) n->Normalize(prefix, ViewKind::kExact, 5, v);
    for (NormalizedView* v : {&lo, &both_lo}) n->Normalize(prefix, ViewKind::kLoose, 5, v);
    const uint64_t base = 5 + prefix.size() + (round % 2 ? 0 : 3);  // contiguous, or not
    n->Normalize(text, ViewKind::kExact, base, &ex);
    n->Normalize(text, ViewKind::kLoose, base, &lo);
    n->NormalizeBoth(text, base, &both_ex, &both_lo);
    INFO("round " << round << ", " << text.size() << " bytes");
    REQUIRE(both_ex.text == ex.text);
    REQUIRE(both_ex.pieces == ex.pieces);
    REQUIRE(both_lo.text == lo.text);
    REQUIRE(both_lo.pieces == lo.pieces);
  }
}

// The exact view of valid text equals ICU's NFC of the whole text (controls other than tab, CR
// and LF replaced by a space first): the tables and the fast path give what ICU gives.
TEST_CASE("Fused exact view equals ICU NFC of the whole text", "[normalizer]") {
  std::unique_ptr<Normalizer> n;
  REQUIRE(Normalizer::Create(&n).ok());
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  REQUIRE(U_SUCCESS(st));
  uint64_t state = 7;
  for (int round = 0; round < 2000; ++round) {
    const std::string text = RandomText(&state, 1 + round % 61, false);
    std::string cleaned;
    const auto* p = reinterpret_cast<const uint8_t*>(text.data());
    for (int32_t i = 0, len = static_cast<int32_t>(text.size()); i < len;) {
      UChar32 c;
      U8_NEXT(p, i, len, c);
      REQUIRE(c >= 0);
      const bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
                           (c >= 0x7F && c <= 0x9F);
      AppendCp(control ? U' ' : static_cast<char32_t>(c), &cleaned);
    }
    std::string want;
    nfc->normalize(icu::UnicodeString::fromUTF8(cleaned), st).toUTF8String(want);
    REQUIRE(U_SUCCESS(st));
    NormalizedView ex, lo;
    n->NormalizeBoth(text, 0, &ex, &lo);
    INFO("round " << round);
    REQUIRE(ex.text == want);
  }
}

}  // namespace
}  // namespace dlp
