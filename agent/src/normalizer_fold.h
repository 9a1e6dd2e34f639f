// What a single code point becomes in each view (private to the normalizer).
//
// Two things live here:
//   - FoldLooseCodePoint: the loose-view folding table. NFKC already maps full-width letters,
//     mathematical alphanumerics and most space variants to plain characters, but it leaves
//     letters of other scripts alone, so a Cyrillic "ТОІ МАТ" or a Vietnamese "đ" would slip past
//     a keyword rule written in Latin letters. The table covers what NFKC does not: letters that
//     look like Latin ones, đ/Đ (no decomposition, so stripping marks cannot reach it), space and
//     line-separator variants, dashes.
//   - CodePointTable: both views of every BMP code point precomputed with ICU, so the normalizer
//     calls ICU only for multi-code-point segments and supplementary characters.
//
// Thread safety: FoldLooseCodePoint is pure. A CodePointTable may be shared by threads: blocks
// are built on first use and published with a compare-exchange, immutable afterwards.
#ifndef DLP_AGENT_SRC_NORMALIZER_FOLD_H_
#define DLP_AGENT_SRC_NORMALIZER_FOLD_H_

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dlp::internal {

constexpr char32_t kReplacementChar = 0xFFFD;

// Controls other than tab, LF and CR (C0, DEL, C1) could hide a split inside a keyword or upset
// whatever displays an excerpt, so both views see a space instead.
constexpr bool IsReplacedControl(char32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
}
constexpr char32_t CleanCodePoint(char32_t c) { return IsReplacedControl(c) ? U' ' : c; }

// Both views of an ASCII byte (only controls change).
inline constexpr std::array<char, 128> kAsciiMap = [] {
  std::array<char, 128> m{};
  for (int c = 0; c < 128; ++c) m[c] = static_cast<char>(CleanCodePoint(static_cast<char32_t>(c)));
  return m;
}();

// The UTF-8 bytes of `c` in buf[0..3]; returns how many.
inline size_t EncodeUtf8(char32_t c, char* buf) {
  if (c < 0x80) {
    buf[0] = static_cast<char>(c);
    return 1;
  }
  if (c < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (c >> 6));
    buf[1] = static_cast<char>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (c >> 12));
    buf[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (c & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (c >> 18));
  buf[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (c & 0x3F));
  return 4;
}

void AppendUtf8(char32_t c, std::string* out);

// The code point `c` becomes in the loose view: an ASCII letter for a look-alike (case kept),
// ' ' for a space variant, '\n' for U+2028/U+2029, '-' for a dash; otherwise `c` itself.
// Expects its input already decomposed with marks removed (Ё arrives as Е, so only Е is listed).
char32_t FoldLooseCodePoint(char32_t c);

class CodePointTable {
 public:
  // The normalizers are ICU singletons and outlive the table.
  CodePointTable(const icu::Normalizer2* nfc, const icu::Normalizer2* nfkc,
                 const icu::Normalizer2* nfkd);
  ~CodePointTable();
  CodePointTable(const CodePointTable&) = delete;
  CodePointTable& operator=(const CodePointTable&) = delete;

  // Builds the blocks ordinary Vietnamese and the usual look-alikes need, so that the first
  // paste never waits for a table.
  void Prebuild() const;

  // What BMP code point `c` becomes on its own in the exact or loose view.
  std::string_view Bytes(char32_t c, bool loose) const {
    const Block* b = GetBlock(c >> 8);
    const Entry& e = b->entries[c & 0xFF];
    const char* p = e.bytes;
    if (e.spilled) {
      uint32_t offset;
      std::memcpy(&offset, e.bytes, sizeof(offset));
      p = b->overflow.data() + offset;
    }
    return loose ? std::string_view(p + e.exact_len, e.loose_len)
                 : std::string_view(p, e.exact_len);
  }
  // Both views of BMP code point `c` with one lookup (the fused normalizer's common case).
  [[gnu::always_inline]] void Views(char32_t c, std::string_view* exact,
                                    std::string_view* loose) const {
    const Block* b = GetBlock(c >> 8);
    const Entry& e = b->entries[c & 0xFF];
    const char* p = e.bytes;
    if (e.spilled) {
      uint32_t offset;
      std::memcpy(&offset, e.bytes, sizeof(offset));
      p = b->overflow.data() + offset;
    }
    *exact = std::string_view(p, e.exact_len);
    *loose = std::string_view(p + e.exact_len, e.loose_len);
  }
  // True if `c` belongs to the segment of the code point before it: a mark (it belongs to its
  // base when offsets are reported) or anything NFC or NFKC may combine with what precedes
  // (Hangul jamo, U+FF9E...).
  bool Joins(char32_t c) const {
    return c < 0x10000 ? GetBlock(c >> 8)->entries[c & 0xFF].joins : ComputeJoins(c);
  }
  // True if BMP code point `c` leaves nothing in the loose view (ignorables, marks).
  bool VanishesInLoose(char32_t c) const { return GetBlock(c >> 8)->entries[c & 0xFF].loose_len == 0; }

  // The views computed with ICU, for what the table does not hold. Append to `out`.
  void ExactOf(char32_t c, std::string* out) const;
  // NFKD (the same as NFD of NFKC, in one pass), drop default-ignorables and marks (gc Mn/Me),
  // fold. Left decomposed on purpose: recomposing would turn "가" back into one code point but
  // not the same jamo with a soft hyphen between them, and the loose view exists to make such
  // variants equal.
  void LooseOf(const icu::UnicodeString& s, std::string* out) const;

 private:
  // Exact bytes then loose bytes, inline when they fit in 12 bytes (all but a few hundred
  // compatibility characters such as U+FDFA), else in Block::overflow. 16 bytes, so four entries
  // share a cache line.
  struct Entry {
    uint8_t exact_len = 0;
    uint8_t loose_len = 0;
    bool joins = false;
    bool spilled = false;  // bytes live in Block::overflow at the offset stored in `bytes`
    char bytes[12] = {};
  };
  struct Block {
    std::array<Entry, 256> entries;
    std::string overflow;
  };

  const Block* GetBlock(uint32_t hi) const {
    const Block* b = blocks_[hi].load(std::memory_order_acquire);
    return b != nullptr ? b : Publish(hi);
  }
  const Block* Publish(uint32_t hi) const;
  const Block* BuildBlock(uint32_t hi) const;
  bool ComputeJoins(char32_t c) const;

  const icu::Normalizer2* nfc_;
  const icu::Normalizer2* nfkc_;
  const icu::Normalizer2* nfkd_;
  // One block per 256 code points, built on first use (or by Prebuild). Supplementary code
  // points are rare enough to go to ICU each time.
  mutable std::array<std::atomic<const Block*>, 256> blocks_{};
};

}  // namespace dlp::internal

#endif  // DLP_AGENT_SRC_NORMALIZER_FOLD_H_
