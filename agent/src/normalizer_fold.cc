#include "normalizer_fold.h"

#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <iterator>

namespace dlp::internal {
namespace {

struct Fold {
  char32_t from;
  char to;
};

// Sorted by `from` (checked at compile time below). Only characters that still exist after
// NFKD + mark removal need to be here; a few that NFKD already handles (NBSP, U+2000-U+200A,
// U+2011...) are listed anyway so the table reads as the complete policy, at no cost.
// Look-alikes are taken from Unicode's confusables.txt, limited to those that are really
// indistinguishable in common fonts: folding more (e.g. Cyrillic к or н) would make the loose
// view fire on ordinary Russian words that merely share a few letters with a keyword.
constexpr Fold kFolds[] = {
    // Latin letters with a stroke or bar: no canonical decomposition, so NFD keeps them.
    // Ð/ð appear where legacy Vietnamese encodings (TCVN3, VNI) were converted with the wrong
    // table, so "ÐỘ MẬT" must fold like "ĐỘ MẬT".
    {0x00A0, ' '}, {0x00D0, 'D'}, {0x00D8, 'O'}, {0x00F0, 'd'}, {0x00F8, 'o'},
    {0x0110, 'D'}, {0x0111, 'd'}, {0x0126, 'H'}, {0x0127, 'h'}, {0x0131, 'i'},
    {0x0141, 'L'}, {0x0142, 'l'}, {0x0166, 'T'}, {0x0167, 't'}, {0x0180, 'b'},
    {0x0189, 'D'}, {0x0197, 'I'}, {0x01B5, 'Z'}, {0x01B6, 'z'},
    // IPA letters that fonts draw like a, g, i.
    {0x0251, 'a'}, {0x0261, 'g'}, {0x0268, 'i'}, {0x0269, 'i'},
    {0x02D7, '-'},  // modifier letter minus sign
    // Greek capitals that are Latin capitals in every font, and the usual lowercase ones.
    {0x037F, 'J'}, {0x0391, 'A'}, {0x0392, 'B'}, {0x0395, 'E'}, {0x0396, 'Z'}, {0x0397, 'H'},
    {0x0399, 'I'}, {0x039A, 'K'}, {0x039C, 'M'}, {0x039D, 'N'}, {0x039F, 'O'}, {0x03A1, 'P'},
    {0x03A4, 'T'}, {0x03A5, 'Y'}, {0x03A7, 'X'}, {0x03B1, 'a'}, {0x03B9, 'i'}, {0x03BA, 'k'},
    {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'}, {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'},
    {0x03D2, 'Y'}, {0x03F3, 'j'},
    // Cyrillic.
    {0x0405, 'S'}, {0x0406, 'I'}, {0x0408, 'J'}, {0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'},
    {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'},
    {0x0422, 'T'}, {0x0423, 'Y'}, {0x0425, 'X'}, {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'},
    {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0455, 's'}, {0x0456, 'i'},
    {0x0458, 'j'}, {0x0474, 'V'}, {0x0475, 'v'}, {0x04AE, 'Y'}, {0x04AF, 'y'}, {0x04BA, 'H'},
    {0x04BB, 'h'}, {0x04C0, 'I'}, {0x04CF, 'l'}, {0x0501, 'd'}, {0x051A, 'Q'}, {0x051B, 'q'},
    {0x051C, 'W'}, {0x051D, 'w'},
    // Armenian round letters.
    {0x0555, 'O'}, {0x0570, 'h'}, {0x0578, 'n'}, {0x057D, 'u'}, {0x0585, 'o'},
    // Spaces: a rule for "tối mật" must not be dodged by typing NBSP or an ideographic space.
    {0x1680, ' '}, {0x2000, ' '}, {0x2001, ' '}, {0x2002, ' '}, {0x2003, ' '}, {0x2004, ' '},
    {0x2005, ' '}, {0x2006, ' '}, {0x2007, ' '}, {0x2008, ' '}, {0x2009, ' '}, {0x200A, ' '},
    // Dashes: phone and ID numbers are written with any of them.
    {0x2010, '-'}, {0x2011, '-'}, {0x2012, '-'}, {0x2013, '-'}, {0x2014, '-'}, {0x2015, '-'},
    // Line and paragraph separators end a line like '\n' does, so patterns anchored on lines
    // behave the same whichever one an editor emitted.
    {0x2028, '\n'}, {0x2029, '\n'}, {0x202F, ' '}, {0x2043, '-'}, {0x205F, ' '},
    {0x2212, '-'}, {0x3000, ' '}, {0xFE58, '-'}, {0xFE63, '-'}, {0xFF0D, '-'},
};

constexpr bool IsStrictlySorted() {
  for (size_t i = 1; i < std::size(kFolds); ++i) {
    if (kFolds[i - 1].from >= kFolds[i].from) return false;
  }
  return true;
}
static_assert(IsStrictlySorted(), "kFolds must be sorted by code point for binary search");

}  // namespace

char32_t FoldLooseCodePoint(char32_t c) {
  // Everything below U+00A0 is ASCII or a control the caller already handled; this early exit
  // keeps the common case free of the search.
  if (c < 0x00A0) return c;
  const auto* it = std::lower_bound(std::begin(kFolds), std::end(kFolds), c,
                                    [](const Fold& f, char32_t v) { return f.from < v; });
  if (it != std::end(kFolds) && it->from == c) return static_cast<char32_t>(it->to);
  return c;
}


void AppendUtf8(char32_t c, std::string* out) {
  char buf[4];
  out->append(buf, EncodeUtf8(c, buf));
}

CodePointTable::CodePointTable(const icu::Normalizer2* nfc, const icu::Normalizer2* nfkc,
                               const icu::Normalizer2* nfkd)
    : nfc_(nfc), nfkc_(nfkc), nfkd_(nfkd) {}

CodePointTable::~CodePointTable() {
  for (auto& b : blocks_) delete b.load(std::memory_order_acquire);
}

void CodePointTable::Prebuild() const {
  // Latin-1 to Cyrillic Supplement (with the combining marks), Latin Extended Additional (all
  // precomposed Vietnamese), Greek Extended, punctuation and letterlike symbols, enclosed
  // alphanumerics, CJK punctuation, variation selectors / small forms / BOM, half- and
  // full-width forms.
  for (uint32_t hi : {0x00u, 0x01u, 0x02u, 0x03u, 0x04u, 0x05u, 0x1Eu, 0x1Fu, 0x20u, 0x21u,
                      0x24u, 0x30u, 0xFEu, 0xFFu}) {
    GetBlock(hi);
  }
}

const CodePointTable::Block* CodePointTable::Publish(uint32_t hi) const {
  // Racing builders each build a block; the first to publish wins and the others discard
  // theirs. Cheaper and simpler than a lock on a path taken at most 256 times.
  const Block* built = BuildBlock(hi);
  const Block* expected = nullptr;
  if (blocks_[hi].compare_exchange_strong(expected, built, std::memory_order_acq_rel)) return built;
  delete built;
  return expected;
}

const CodePointTable::Block* CodePointTable::BuildBlock(uint32_t hi) const {
  auto* block = new Block;
  std::string bytes;
  for (uint32_t lo = 0; lo < 256; ++lo) {
    const char32_t c = CleanCodePoint((hi << 8) | lo);
    Entry& e = block->entries[lo];
    if (c >= 0xD800 && c <= 0xDFFF) continue;  // the decoder never yields surrogates
    bytes.clear();
    if (c < 0x80) {
      bytes.assign(2, kAsciiMap[c]);
      e.exact_len = 1;
    } else {
      ExactOf(c, &bytes);
      e.exact_len = static_cast<uint8_t>(bytes.size());
      LooseOf(icu::UnicodeString(static_cast<UChar32>(c)), &bytes);
      e.joins = ComputeJoins(c);
    }
    e.loose_len = static_cast<uint8_t>(bytes.size() - e.exact_len);
    if (bytes.size() <= sizeof(e.bytes)) {
      std::memcpy(e.bytes, bytes.data(), bytes.size());
    } else {
      e.spilled = true;
      const uint32_t offset = static_cast<uint32_t>(block->overflow.size());
      std::memcpy(e.bytes, &offset, sizeof(offset));
      block->overflow += bytes;
    }
  }
  return block;
}

bool CodePointTable::ComputeJoins(char32_t c) const {
  if (IsReplacedControl(c)) return false;  // becomes a space, which starts its own segment
  const int8_t gc = u_charType(c);
  return u_getCombiningClass(c) > 0 || gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK ||
         !nfc_->hasBoundaryBefore(c) || !nfkc_->hasBoundaryBefore(c);
}

void CodePointTable::ExactOf(char32_t c, std::string* out) const {
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString s = nfc_->normalize(icu::UnicodeString(static_cast<UChar32>(c)), st);
  if (U_FAILURE(st)) s = icu::UnicodeString(static_cast<UChar32>(c));
  s.toUTF8String(*out);
}

void CodePointTable::LooseOf(const icu::UnicodeString& s, std::string* out) const {
  UErrorCode st = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = nfkd_->normalize(s, st);
  if (U_FAILURE(st)) {  // cannot happen with loaded data; keep a visible placeholder anyway
    AppendUtf8(kReplacementChar, out);
    return;
  }
  for (int32_t k = 0; k < decomposed.length();) {
    const UChar32 c = decomposed.char32At(k);
    k += U16_LENGTH(c);
    const int8_t gc = u_charType(c);
    if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK) continue;
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) continue;
    AppendUtf8(CleanCodePoint(FoldLooseCodePoint(static_cast<char32_t>(c))), out);
  }
}

}  // namespace dlp::internal
