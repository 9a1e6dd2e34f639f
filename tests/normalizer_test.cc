// The two views rules match on, and the map from a view back to the user's bytes.
#include "dlp/normalizer.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace dlp {
namespace {

const Normalizer& TheNormalizer() {
  static const std::unique_ptr<Normalizer> normalizer = [] {
    std::unique_ptr<Normalizer> n;
    const Status s = Normalizer::Create(&n);
    if (!s.ok()) FAIL(s.ToString());
    return n;
  }();
  return *normalizer;
}

NormalizedView View(std::string_view input, ViewKind kind, uint64_t base = 0) {
  NormalizedView v;
  TheNormalizer().Normalize(input, kind, base, &v);
  REQUIRE((v.text.empty() || (!v.pieces.empty() && v.pieces[0].view == 0)));
  return v;
}

// The original span of every view byte, read through the map's accessors.
std::vector<std::pair<uint64_t, uint64_t>> Spans(const NormalizedView& v) {
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (size_t i = 0; i < v.text.size(); ++i) spans.push_back({v.OriginalBegin(i), v.OriginalEnd(i + 1)});
  return spans;
}
std::string Exact(std::string_view s) { return View(s, ViewKind::kExact).text; }
std::string Loose(std::string_view s) { return View(s, ViewKind::kLoose).text; }

// The original bytes behind the view bytes [begin, end).
std::string Original(std::string_view input, const NormalizedView& v, size_t begin, size_t end) {
  return std::string(input.substr(v.OriginalBegin(begin), v.OriginalEnd(end) - v.OriginalBegin(begin)));
}

TEST_CASE("Empty input appends nothing", "[normalizer]") {
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    NormalizedView v = View("", kind);
    CHECK(v.text.empty());
    CHECK(v.pieces.empty());
  }
}

TEST_CASE("ASCII passes through both views byte for byte", "[normalizer]") {
  const std::string s = "Ma so thue: 0101234567, tab\tCR\r\nend";
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    NormalizedView v = View(s, kind);
    CHECK(v.text == s);
    for (size_t i = 0; i < s.size(); ++i) {
      CHECK(v.OriginalBegin(i) == i);
      CHECK(v.OriginalEnd(i + 1) == i + 1);
    }
    CHECK(v.pieces.size() == 1);  // one copy stretch
  }
}

TEST_CASE("Exact view is NFC with case and diacritics kept", "[normalizer]") {
  // Decomposed input (macOS file names, Unikey "Unicode to hop") must match precomposed rules.
  const std::string nfd = "TO\u0302\u0301I Ma\u0323\u0302t";
  CHECK(Exact(nfd) == "TỐI Mật");
  CHECK(Exact("TỐI MẬT, Độ mật") == "TỐI MẬT, Độ mật");
  // Marks in non-canonical order still compose to the same letter.
  CHECK(Exact("a\u0302\u0323") == "ậ");
  // The exact view keeps what the loose view removes.
  CHECK(Exact("T\u200BỐI\u00A0MẬT") == "T\u200BỐI\u00A0MẬT");
}

TEST_CASE("Loose view strips Vietnamese diacritics including d-stroke", "[normalizer]") {
  CHECK(Loose("TỐI MẬT") == "TOI MAT");
  CHECK(Loose("Độ mật") == "Do mat");
  CHECK(Loose("đường Đinh Tiên Hoàng") == "duong Dinh Tien Hoang");
  CHECK(Loose("TO\u0302\u0301I Ma\u0323\u0302t") == "TOI Mat");  // decomposed input too
  CHECK(Loose("ÐỘ MẬT") == "DO MAT");  // U+00D0 from badly converted legacy encodings
}

TEST_CASE("Loose view removes zero-width and other default-ignorable characters", "[normalizer]") {
  CHECK(Loose("T\u200BỐ\u00ADI MẬT") == "TOI MAT");
  CHECK(Loose("\uFEFFT\u200CO\u200DI\u2060 M\u034FA\uFE0FT") == "TOI MAT");
  // Unicode tag characters (used to smuggle invisible text) vanish as well.
  CHECK(Loose("TOI\U000E0041\U000E0042 MAT") == "TOI MAT");
}

TEST_CASE("Loose view folds full-width and other compatibility forms", "[normalizer]") {
  CHECK(Loose("ＴＯＩ ＭＡＴ") == "TOI MAT");
  CHECK(Loose("ＣＣＣＤ：０１２３４５６７８９０１") == "CCCD:012345678901");
  CHECK(Loose("\U0001D413\U0001D40E\U0001D408") == "TOI");  // mathematical bold
}

TEST_CASE("Loose view folds Cyrillic and Greek look-alikes to Latin", "[normalizer]") {
  CHECK(Loose("ТОІ МАТ") == "TOI MAT");                    // Cyrillic
  CHECK(Loose("ΤΟΙ ΜΑΤ") == "TOI MAT");                    // Greek
  CHECK(Loose("ехаmрlе.соm") == "example.com");            // Cyrillic lowercase mixed in
  CHECK(Loose("ТỐІ МẬТ") == "TOI MAT");                    // Cyrillic base + Vietnamese marks
  CHECK(Loose("Ӏ ј ѕ і") == "I j s i");
  // Letters without a Latin twin are left alone, so Russian text does not turn into noise.
  CHECK(Loose("Жд") == "Жд");
  // Case is kept in both directions.
  CHECK(Loose("Ка") == "Ka");
}

TEST_CASE("Loose view folds space, line-separator and dash variants", "[normalizer]") {
  CHECK(Loose("TỐI\u00A0MẬT") == "TOI MAT");
  CHECK(Loose("a\u2003b\u202Fc\u3000d\u1680e\u205Ff") == "a b c d e f");
  CHECK(Loose("a\u2028b\u2029c") == "a\nb\nc");
  CHECK(Loose("0912\u2013345\u2212678\u2014x\uFF0Dy\uFE63z") == "0912-345-678-x-y-z");
  // The exact view keeps them: rules that care about exact characters still see them.
  CHECK(Exact("0912\u2013345") == "0912\u2013345");
}

TEST_CASE("Loose matches map back to the exact original bytes", "[normalizer]") {
  const std::string input = "Độ mật: TỐI MẬT";
  const NormalizedView v = View(input, ViewKind::kLoose);
  REQUIRE(v.text == "Do mat: TOI MAT");
  const size_t at = v.text.find("MAT");
  REQUIRE(at != std::string::npos);
  CHECK(Original(input, v, at, at + 3) == "MẬT");
  const size_t mat = v.text.find("mat");
  CHECK(Original(input, v, mat, mat + 3) == "mật");
  CHECK(Original(input, v, 0, 2) == "Độ");

  // Invisible characters inside the word are part of the reported span: redacting it removes them.
  const std::string hidden = "x T\u200BỐ\u00ADI y";
  const NormalizedView h = View(hidden, ViewKind::kLoose);
  REQUIRE(h.text == "x TOI y");
  CHECK(Original(hidden, h, 2, 5) == "T\u200BỐ\u00ADI");

  // A decomposed letter maps to its base and all its marks.
  const std::string nfd = "Ma\u0323\u0302t";
  const NormalizedView e = View(nfd, ViewKind::kExact);
  REQUIRE(e.text == "Mật");
  CHECK(Original(nfd, e, 1, 4) == "a\u0323\u0302");
}

TEST_CASE("Invalid UTF-8 becomes U+FFFD mapped to the bad bytes", "[normalizer]") {
  // FF: one bad byte. E1 BB: a truncated sequence, one U+FFFD. ED A0 80: an encoded surrogate,
  // three U+FFFDs (each byte is its own maximal subpart). C0 AF: overlong, two.
  const std::string input = "a\xFF" "b\xE1\xBB" "c\xED\xA0\x80" "d\xC0\xAF";
  const std::string r = "\uFFFD";
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    const NormalizedView v = View(input, kind);
    CHECK(v.text == "a" + r + "b" + r + "c" + r + r + r + "d" + r + r);
    CHECK(Original(input, v, 1, 4) == "\xFF");
    CHECK(Original(input, v, 5, 8) == "\xE1\xBB");
    CHECK(Original(input, v, 9, 12) == "\xED");
  }
  // A lone lead byte at the very end must not read past the input.
  CHECK(Exact(std::string_view("ok\xF0\x9F", 4)) == "ok" + r);
}

TEST_CASE("Control characters other than tab, CR, LF become spaces", "[normalizer]") {
  const std::string input("T\0O\x01I\x7F" "M\u0085A\x1BT\t\r\n", 15);
  CHECK(Exact(input) == "T O I M A T\t\r\n");
  CHECK(Loose(input) == "T O I M A T\t\r\n");
}

TEST_CASE("Offsets include the base offset and Normalize appends", "[normalizer]") {
  NormalizedView v;
  TheNormalizer().Normalize("Độ", ViewKind::kLoose, 1000, &v);
  TheNormalizer().Normalize(" mật", ViewKind::kLoose, 1004, &v);
  REQUIRE(v.text == "Do mat");
  CHECK(v.OriginalBegin(0) == 1000);
  CHECK(v.OriginalEnd(1) == 1002);   // "Đ" is two bytes
  CHECK(v.OriginalBegin(4) == 1006);  // "ậ" starts after " m"
  CHECK(v.OriginalEnd(5) == 1009);
}

TEST_CASE("Every view byte maps to its whole segment", "[normalizer]") {
  // Loose: "Đ" is one byte from two, the zero-width space leaves a gap, "ậ" one byte from three.
  const std::string s = "\u0110a\u200Bb m\u1EADt";
  const NormalizedView lo = View(s, ViewKind::kLoose, 10);
  REQUIRE(lo.text == "Dab mat");
  const std::vector<std::pair<uint64_t, uint64_t>> want_lo = {
      {10, 12}, {12, 13}, {16, 17}, {17, 18}, {18, 19}, {19, 22}, {22, 23}};
  CHECK(Spans(lo) == want_lo);
  // Exact: NFC-stable letters keep all their bytes mapped to the letter; "e" + U+0301 composes
  // to "é" (two bytes from three).
  const std::string t = "\u1EADe\u0301x";
  const NormalizedView ex = View(t, ViewKind::kExact);
  REQUIRE(ex.text == "\u1EAD\u00E9x");
  const std::vector<std::pair<uint64_t, uint64_t>> want_ex = {
      {0, 3}, {0, 3}, {0, 3}, {3, 6}, {3, 6}, {6, 7}};
  CHECK(Spans(ex) == want_ex);
  CHECK(ex.FromOriginal(0) == 0);
  CHECK(ex.FromOriginal(1) == 3);  // the first byte whose segment starts at or after 1
  CHECK(ex.FromOriginal(4) == 5);
  CHECK(ex.FromOriginal(7) == 6);
  CHECK(lo.FromOriginal(13) == 2);  // the zero-width space's bytes: the next byte kept
}

// FromOriginal must be the first byte whose original begin is >= the offset, and trimming the
// front (anywhere, also inside a segment) must leave every remaining byte's span unchanged and
// let the view grow on as if it had not been trimmed.
TEST_CASE("FromOriginal and TrimFront agree with the per-byte spans", "[normalizer]") {
  const std::string text =
      "Tài liệu TO\u0302\u0301I MA\u0323\u0302T đường\u200B\u200BĐinh\xFF\xE1\xBB"
      "x\U0001F600 \uFDFA \uFF76\uFF9E \u1112\u1161\u11AB ТОІ\u00AD\u3000ok";
  const std::string more = " m\u1EADt\u200B\U0001F600 a\u0301";
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    const NormalizedView v = View(text, kind, 100);
    const auto spans = Spans(v);
    std::vector<uint64_t> begins;
    for (const auto& sp : spans) begins.push_back(sp.first);
    for (uint64_t o = 0; o <= 100 + text.size() + 1; ++o) {
      const size_t want = std::lower_bound(begins.begin(), begins.end(), o) - begins.begin();
      INFO("orig " << o);
      REQUIRE(v.FromOriginal(o) == want);
    }
    NormalizedView grown = v;
    TheNormalizer().Normalize(more, kind, 100 + text.size(), &grown);
    const auto grown_spans = Spans(grown);
    for (size_t cut = 0; cut <= v.text.size(); ++cut) {
      INFO("cut " << cut);
      NormalizedView t = v;
      t.TrimFront(cut);
      REQUIRE(t.text == v.text.substr(cut));
      REQUIRE((t.text.empty() || t.pieces[0].view == 0));
      REQUIRE(Spans(t) == std::vector(spans.begin() + cut, spans.end()));
      for (uint64_t o = 95; o <= 100 + text.size() + 1; ++o)
        REQUIRE(t.FromOriginal(o) == std::max(v.FromOriginal(o), cut) - cut);
      TheNormalizer().Normalize(more, kind, 100 + text.size(), &t);
      REQUIRE(Spans(t) == std::vector(grown_spans.begin() + cut, grown_spans.end()));
    }
  }
}

TEST_CASE("Map lookups with a hint give the same offsets from any starting piece", "[normalizer]") {
  // Many pieces (every Vietnamese letter and zero-width character is one in the loose view), so
  // the search gallops over long distances both ways; hints from stale to far past the end.
  std::string text;
  for (int k = 0; k < 60; ++k) text += "Số hồ sơ\u200B 0123 mật a\u0301 ";
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    const NormalizedView v = View(text, kind, 7);
    REQUIRE(v.pieces.size() > (kind == ViewKind::kLoose ? 300u : 50u));
    const size_t n = v.text.size();
    for (size_t start : {size_t{0}, v.pieces.size() / 2, v.pieces.size() - 1,
                         v.pieces.size() + 40, SIZE_MAX}) {
      size_t hint = start;
      INFO("view " << int(kind) << " first hint " << start);
      // Forward, backward and jumping, the order a scan's lookups come in.
      for (size_t step : {size_t{1}, size_t{37}, size_t{501}}) {
        for (size_t i = 0; i < n; i += step) {
          const size_t at = (step == 37) ? n - 1 - i : i;
          REQUIRE(v.OriginalBegin(at, &hint) == v.OriginalBegin(at));
          REQUIRE(v.OriginalEnd(at + 1, &hint) == v.OriginalEnd(at + 1));
          REQUIRE(hint < v.pieces.size());
        }
      }
      for (uint64_t o = 0; o <= 7 + text.size() + 1; o += 3) {
        const uint64_t back = 7 + text.size() + 1 - o;
        REQUIRE(v.FromOriginal(o, &hint) == v.FromOriginal(o));
        REQUIRE(v.FromOriginal(back, &hint) == v.FromOriginal(back));
      }
    }
  }
}

TEST_CASE("Map lookups land on the right piece however unevenly the pieces are spread",
          "[normalizer]") {
  // The search interpolates between pieces' offsets: long stretches without pieces (ASCII),
  // dense ones (a piece per letter or per zero-width character) and single outliers must not
  // mislead it. Every piece's own offsets are the reference, read from the map directly.
  std::string text = std::string(5000, 'a') + " ";
  for (int k = 0; k < 400; ++k) text += "ệa\u0301";  // NFD: pieces of the exact view too
  text += std::string(20000, 'b');
  for (int k = 0; k < 300; ++k) text += "\u200B";
  text += "đ" + std::string(3000, 'c') + "ở" + "ơ\u0301" + std::string(9, 'd');
  for (int k = 0; k < 50; ++k) text += "Mật " + std::string(size_t(k) * 37, 'x');
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    const NormalizedView v = View(text, kind, 11);
    INFO("view " << int(kind));
    REQUIRE(v.pieces.size() > 40);
    for (size_t start : {size_t{0}, v.pieces.size() / 3, v.pieces.size() - 1}) {
      size_t hint = start;
      for (size_t k = 0; k < v.pieces.size(); k += (k % 7) + 1) {
        const size_t j = (k % 2 == 0) ? k : v.pieces.size() - 1 - k;  // near and far jumps
        const ViewPiece& p = v.pieces[j];
        INFO("piece " << j << " hint " << hint);
        if (p.view < v.text.size()) REQUIRE(v.OriginalBegin(p.view, &hint) == p.orig);
        if (p.vlen > 0) REQUIRE(v.OriginalEnd(p.view + p.vlen, &hint) == p.orig + p.olen);
        REQUIRE(v.FromOriginal(p.orig, &hint) == p.view);
      }
    }
    uint64_t last = 0;
    for (size_t i = 0; i < v.text.size(); ++i) {
      const uint64_t b = v.OriginalBegin(i);
      REQUIRE(b >= last);
      last = b;
    }
  }
}

TEST_CASE("SafeCut never splits a character or its combining marks", "[normalizer]") {
  const Normalizer& n = TheNormalizer();
  CHECK(n.SafeCut("abc def", true) == 7);
  CHECK(n.SafeCut("", false) == 0);
  CHECK(n.SafeCut("abc def", false) == 4);     // right after the space
  CHECK(n.SafeCut("abc def ", false) == 4);    // the last space may still get a mark
  CHECK(n.SafeCut("TỐI\nMẬ", false) == 6);     // right after the newline
  // "a" may still receive U+0323 U+0302 from the next chunk: cut before it.
  CHECK(n.SafeCut("Ma", false) == 1);
  CHECK(n.SafeCut("Ma\u0323\u0302", false) == 1);
  // A truncated sequence at the end stays for the next chunk.
  CHECK(n.SafeCut("M\xE1\xBA", false) == 0);
  CHECK(n.SafeCut("Mt\xE1\xBA", false) == 1);
  // A long run without starters still yields a cut, so a caller's buffer stays bounded.
  std::string marks = "a";
  for (int i = 0; i < 40000; ++i) marks += "\u0301";
  const size_t cut = n.SafeCut(marks, false);
  CHECK(cut > 0);
  CHECK(cut < marks.size());
  CHECK((static_cast<unsigned char>(marks[cut]) & 0xC0) != 0x80);
}

TEST_CASE("Chunks cut with SafeCut give the same views as one call", "[normalizer]") {
  // Decomposed and precomposed Vietnamese, invisible characters, bad bytes, an emoji and
  // a stretch without whitespace so that both SafeCut rules are exercised.
  const std::string mixed =
      "Tài liệu TO\u0302\u0301I MA\u0323\u0302T số\u00A0012345678901 "
      "đường\u200BĐinh\xFF\xE1\xBB" "x\U0001F600Ma\u0323\u0302tMa\u0323\u0302tMật\nＴＯＩ ТОІ";
  std::string no_spaces = mixed;  // only the "before the last starter" rule applies to this one
  std::erase_if(no_spaces, [](char c) { return c == ' ' || c == '\n'; });
  for (const std::string& text : {mixed, no_spaces}) {
  for (ViewKind kind : {ViewKind::kExact, ViewKind::kLoose}) {
    const NormalizedView whole = View(text, kind, 7);
    for (size_t split = 0; split <= text.size(); ++split) {
      const std::string_view head = std::string_view(text).substr(0, split);
      const size_t cut = TheNormalizer().SafeCut(head, false);
      REQUIRE(cut <= split);
      NormalizedView parts;
      TheNormalizer().Normalize(text.substr(0, cut), kind, 7, &parts);
      TheNormalizer().Normalize(text.substr(cut), kind, 7 + cut, &parts);
      INFO("split " << split << " cut " << cut);
      REQUIRE(parts.text == whole.text);
      REQUIRE(parts.pieces == whole.pieces);  // the encoding does not depend on chunking
      REQUIRE(Spans(parts) == Spans(whole));
    }
  }
  }
}

TEST_CASE("Exact view composes across code points where NFC does", "[normalizer]") {
  // Conjoining jamo compose to a syllable; the syllable maps to all three jamo.
  const std::string jamo = "\u1112\u1161\u11AB";
  const NormalizedView v = View(jamo, ViewKind::kExact);
  CHECK(v.text == "\uD55C");
  CHECK(Original(jamo, v, 0, v.text.size()) == jamo);
  // Half-width katakana with a voiced mark composes in the loose (NFKC) view.
  CHECK(Loose("\uFF76\uFF9E") == "\u30AB");  // the voicing mark is a mark: stripped
  // The loose view stays decomposed, so a soft hyphen between jamo cannot hide a syllable.
  CHECK(Loose("\uD55C") == jamo);
  CHECK(Loose("\u1112\u00AD\u1161\u11AB") == jamo);
}

TEST_CASE("One normalizer is safe to share between threads", "[normalizer]") {
  // CJK and Thai blocks are not prebuilt, so the threads race to build them.
  const std::string text = "機密文件 ความลับ 機密 秘密 Tài liệu mật ";
  std::string big;
  for (int i = 0; i < 200; ++i) big += text;
  std::unique_ptr<Normalizer> fresh;
  REQUIRE(Normalizer::Create(&fresh).ok());
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      NormalizedView v;
      fresh->Normalize(big, t % 2 ? ViewKind::kLoose : ViewKind::kExact, 0, &v);
      results[t] = v.text;
    });
  }
  for (auto& th : threads) th.join();
  for (size_t t = 2; t < results.size(); ++t) CHECK(results[t] == results[t % 2]);
  CHECK(results[0] == big);
  CHECK(results[1].find("Tai lieu mat") != std::string::npos);
}

}  // namespace
}  // namespace dlp
