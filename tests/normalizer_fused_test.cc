// NormalizeBoth (the session's one-pass path) must give exactly what two Normalize calls give:
// the same bytes and the same offset maps, for every kind of segment the normalizer handles.
#include "dlp/normalizer.h"

#include <catch2/catch.hpp>

#include <string>

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
      CHECK(both_ex.src_begin == ex.src_begin);
      CHECK(both_ex.src_end == ex.src_end);
      CHECK(both_lo.text == lo.text);
      CHECK(both_lo.src_begin == lo.src_begin);
      CHECK(both_lo.src_end == lo.src_end);
    }
  }
}

}  // namespace
}  // namespace dlp
