// Normalizer: the exact and loose views of a text, each byte mapped back to the original.
//
// Why segments instead of normalizing the whole text with ICU's Edits: a finding must be
// reported as the user's own bytes, and a character is one "segment" (a code point plus the
// combining marks that follow it), whatever normalization does inside it. Cutting the text where
// normalization cannot interact (ICU's hasBoundaryBefore for NFC and NFKC) and normalizing each
// piece on its own gives exactly NFC/NFKC of the whole text, and lets every output byte carry the
// byte span of its segment. It is also fast: nearly all segments are one code point, whose views
// are looked up in a table instead of calling ICU.
//
// Loose view of a segment: NFKD (the same as NFD of NFKC, in one ICU pass), drop
// default-ignorables and marks (gc Mn/Me), fold look-alikes (normalizer_fold.cc). It is left
// decomposed on purpose: recomposing would turn "가" back into one code point but not the same
// jamo with a soft hyphen between them, and the loose view exists to make such variants equal.
#include "dlp/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstring>
#include <new>

#include "normalizer_fold.h"

namespace dlp {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
// How far back SafeCut looks; bounds its cost and how much a caller must carry between chunks.
constexpr size_t kSafeCutWindow = 64 * 1024;

struct Decoded {
  char32_t cp;   // kReplacement when !valid
  uint32_t len;  // bytes consumed: the code point, or one maximal invalid subsequence
  bool valid;
};

// UTF-8 decoding per Unicode Table 3-7, replacing each maximal subpart of an ill-formed sequence
// (the W3C/WHATWG practice) so that the same bad bytes give the same U+FFFDs however the input
// is chunked. Overlongs, surrogates and values above U+10FFFF are ill-formed.
[[gnu::always_inline]] inline Decoded DecodeUtf8(const uint8_t* p, size_t avail) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) return {b0, 1, true};
  auto cont = [p, avail](size_t k) { return k < avail && (p[k] & 0xC0) == 0x80; };
  if (b0 < 0xC2) return {kReplacement, 1, false};
  if (b0 < 0xE0) {
    if (!cont(1)) return {kReplacement, 1, false};
    return {(char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F), 2, true};
  }
  if (b0 < 0xF0) {
    const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    if (avail < 2 || p[1] < lo || p[1] > hi) return {kReplacement, 1, false};
    if (!cont(2)) return {kReplacement, 2, false};
    return {(char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F), 3, true};
  }
  if (b0 < 0xF5) {
    const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (avail < 2 || p[1] < lo || p[1] > hi) return {kReplacement, 1, false};
    if (!cont(2)) return {kReplacement, 2, false};
    if (!cont(3)) return {kReplacement, 3, false};
    return {(char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
                (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F),
            4, true};
  }
  return {kReplacement, 1, false};
}

// The end of the run of ASCII bytes starting at `i`, eight bytes per step: the first byte with
// its top bit set is found from the lowest set bit of the masked word (little-endian load).
[[gnu::always_inline]] inline size_t AsciiRunEnd(const uint8_t* in, size_t i, size_t n) {
  static_assert(std::endian::native == std::endian::little, "AsciiRunEnd assumes little-endian");
  for (uint64_t word; i + 8 <= n; i += 8) {
    std::memcpy(&word, in + i, 8);
    if (const uint64_t high = word & 0x8080808080808080ull) return i + (std::countr_zero(high) >> 3);
  }
  while (i < n && in[i] < 0x80) ++i;
  return i;
}

// Controls other than tab, LF and CR (C0, DEL, C1) could hide a split inside a keyword or upset
// whatever displays an excerpt, so both views see a space instead.
constexpr bool IsReplacedControl(char32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
}
constexpr char32_t CleanCodePoint(char32_t c) { return IsReplacedControl(c) ? U' ' : c; }

constexpr std::array<char, 128> MakeAsciiMap() {
  std::array<char, 128> m{};
  for (int c = 0; c < 128; ++c) m[c] = static_cast<char>(CleanCodePoint(static_cast<char32_t>(c)));
  return m;
}
constexpr std::array<char, 128> kAsciiMap = MakeAsciiMap();

void AppendUtf8(char32_t c, std::string* out) {
  char buf[4];
  size_t n;
  if (c < 0x80) { buf[0] = char(c); n = 1; }
  else if (c < 0x800) { buf[0] = char(0xC0 | (c >> 6)); buf[1] = char(0x80 | (c & 0x3F)); n = 2; }
  else if (c < 0x10000) {
    buf[0] = char(0xE0 | (c >> 12)); buf[1] = char(0x80 | ((c >> 6) & 0x3F));
    buf[2] = char(0x80 | (c & 0x3F)); n = 3;
  } else {
    buf[0] = char(0xF0 | (c >> 18)); buf[1] = char(0x80 | ((c >> 12) & 0x3F));
    buf[2] = char(0x80 | ((c >> 6) & 0x3F)); buf[3] = char(0x80 | (c & 0x3F)); n = 4;
  }
  out->append(buf, n);
}

// What one BMP code point becomes when it is a segment on its own: exact bytes then loose
// bytes, inline when they fit in 12 bytes (all but a few hundred compatibility characters such
// as U+FDFA), else in Block::overflow. 16 bytes, so four entries share a cache line.
struct CodePointEntry {
  uint8_t exact_len = 0;
  uint8_t loose_len = 0;  // 0: vanishes from the loose view (ignorable or mark)
  bool joins = false;     // belongs to the segment of the code point before it
  bool spilled = false;   // bytes live in Block::overflow at the offset stored in `bytes`
  char bytes[12] = {};
};

struct Block {
  std::array<CodePointEntry, 256> entries;
  std::string overflow;
};

// Appends bytes and their source spans to a view through raw pointers, so the ASCII loop is
// plain stores with no per-byte capacity check. The offset arrays take 16 bytes per output byte,
// so memory traffic is what this costs: capacity is reserved for the whole input up front (no
// reallocation, no page touched yet), but the arrays are resized in small steps just ahead of
// the writes, so that resize()'s zero-fill lands in cache lines about to be overwritten rather
// than in a separate pass over megabytes of cold memory.
class ViewWriter {
 public:
  ViewWriter(NormalizedView* view, size_t expected) : v_(*view), size_(view->text.size()) {
    limit_ = size_;
    const size_t want = size_ + expected;
    if (v_.text.capacity() < want) v_.text.reserve(want);
    if (v_.src_begin.capacity() < want) v_.src_begin.reserve(want);
    if (v_.src_end.capacity() < want) v_.src_end.reserve(want);
  }
  ~ViewWriter() {
    v_.text.resize(size_);
    v_.src_begin.resize(size_);
    v_.src_end.resize(size_);
  }
  void Ensure(size_t extra) {
    if (size_ + extra > limit_) Extend(extra);
  }
  void Put(char c, uint64_t begin, uint64_t end) {
    Ensure(1);
    text_[size_] = c;
    begin_[size_] = begin;
    end_[size_] = end;
    ++size_;
  }
  [[gnu::always_inline]] void Put(std::string_view s, uint64_t begin, uint64_t end) {
    Ensure(s.size());
    for (size_t k = 0; k < s.size(); ++k) {
      text_[size_ + k] = s[k];
      begin_[size_ + k] = begin;
      end_[size_ + k] = end;
    }
    size_ += s.size();
  }
  // One run of ASCII bytes, each its own segment.
  [[gnu::always_inline]] void PutAscii(const uint8_t* s, size_t n, uint64_t begin) {
    Ensure(n);
    char* t = text_ + size_;
    uint64_t* b = begin_ + size_;
    uint64_t* e = end_ + size_;
    if (n < 16) {  // words of prose: one plain loop beats three vectorized ones with their setup
      for (size_t k = 0; k < n; ++k) {
        t[k] = kAsciiMap[s[k]];
        b[k] = begin + k;
        e[k] = begin + k + 1;
      }
      size_ += n;
      return;
    }
    for (size_t k = 0; k < n; ++k) t[k] = kAsciiMap[s[k]];
    for (size_t k = 0; k < n; ++k) b[k] = begin + k;
    for (size_t k = 0; k < n; ++k) e[k] = begin + k + 1;
    size_ += n;
  }

 private:
  static constexpr size_t kStep = 4096;  // x 17 bytes: stays well inside L2
  void Extend(size_t extra) {
    limit_ = size_ + std::max(extra, kStep);
    v_.text.resize(limit_);
    v_.src_begin.resize(limit_);
    v_.src_end.resize(limit_);
    text_ = v_.text.data();
    begin_ = v_.src_begin.data();
    end_ = v_.src_end.data();
  }
  NormalizedView& v_;
  size_t size_;
  size_t limit_;
  char* text_ = nullptr;
  uint64_t* begin_ = nullptr;
  uint64_t* end_ = nullptr;
};

}  // namespace

struct Normalizer::Impl {
  const icu::Normalizer2* nfc = nullptr;
  const icu::Normalizer2* nfkc = nullptr;
  const icu::Normalizer2* nfkd = nullptr;
  // One table per 256 BMP code points. Blocks for Vietnamese and the usual look-alikes are built
  // in Create(); others on first use. A block is immutable once published, and publication is a
  // compare-exchange, so concurrent Normalize() calls need no lock (a racing builder deletes its
  // copy). Supplementary code points are rare enough to go to ICU each time.
  mutable std::array<std::atomic<const Block*>, 256> blocks{};

  ~Impl() {
    for (auto& b : blocks) delete b.load(std::memory_order_acquire);
  }

  const Block* GetBlock(uint32_t hi) const {
    const Block* b = blocks[hi].load(std::memory_order_acquire);
    return b != nullptr ? b : Publish(hi);
  }
  const CodePointEntry& Entry(char32_t c) const { return GetBlock(c >> 8)->entries[c & 0xFF]; }

  const Block* Publish(uint32_t hi) const {
    const Block* built = BuildBlock(hi);
    const Block* expected = nullptr;
    if (blocks[hi].compare_exchange_strong(expected, built, std::memory_order_acq_rel)) return built;
    delete built;
    return expected;
  }

  const Block* BuildBlock(uint32_t hi) const {
    auto* block = new Block;
    std::string bytes;
    for (uint32_t lo = 0; lo < 256; ++lo) {
      const char32_t c = CleanCodePoint((hi << 8) | lo);
      CodePointEntry& e = block->entries[lo];
      if (c >= 0xD800 && c <= 0xDFFF) continue;  // the decoder never yields surrogates
      bytes.clear();
      if (c < 0x80) {
        bytes.assign(2, kAsciiMap[c]);
        e.exact_len = 1;
      } else {
        ExactOf(c, &bytes);
        e.exact_len = static_cast<uint8_t>(bytes.size());
        LooseOf(icu::UnicodeString(static_cast<UChar32>(c)), &bytes);
        e.joins = Joins(c);
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

  // The bytes BMP code point `c` becomes on its own in the chosen view.
  std::string_view Bytes(char32_t c, bool loose) const {
    const Block* b = GetBlock(c >> 8);
    const CodePointEntry& e = b->entries[c & 0xFF];
    const char* p = e.bytes;
    if (e.spilled) {
      uint32_t offset;
      std::memcpy(&offset, e.bytes, sizeof(offset));
      p = b->overflow.data() + offset;
    }
    return loose ? std::string_view(p + e.exact_len, e.loose_len) : std::string_view(p, e.exact_len);
  }

  bool JoinsCached(char32_t c) const { return c < 0x10000 ? Entry(c).joins : Joins(c); }

  // A code point joins the previous segment if it is a mark (it belongs to its base for offset
  // purposes) or if NFC or NFKC could combine it with what precedes (Hangul jamo, U+FF9E...).
  bool Joins(char32_t c) const {
    const int8_t gc = u_charType(c);
    return u_getCombiningClass(c) > 0 || gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK ||
           !nfc->hasBoundaryBefore(c) || !nfkc->hasBoundaryBefore(c);
  }

  void ExactOf(char32_t c, std::string* out) const {
    UErrorCode st = U_ZERO_ERROR;
    icu::UnicodeString s = nfc->normalize(icu::UnicodeString(static_cast<UChar32>(c)), st);
    if (U_FAILURE(st)) s = icu::UnicodeString(static_cast<UChar32>(c));
    s.toUTF8String(*out);
  }

  void LooseOf(const icu::UnicodeString& s, std::string* out) const {
    UErrorCode st = U_ZERO_ERROR;
    const icu::UnicodeString decomposed = nfkd->normalize(s, st);
    icu::UnicodeString kept;
    for (int32_t k = 0; k < decomposed.length();) {
      const UChar32 c = decomposed.char32At(k);
      k += U16_LENGTH(c);
      const int8_t gc = u_charType(c);
      if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK) continue;
      if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) continue;
      kept.append(c);
    }
    if (U_FAILURE(st)) {  // cannot happen with loaded data; keep a visible placeholder anyway
      AppendUtf8(kReplacement, out);
      return;
    }
    for (int32_t k = 0; k < kept.length();) {
      const UChar32 c = kept.char32At(k);
      k += U16_LENGTH(c);
      AppendUtf8(CleanCodePoint(internal::FoldLooseCodePoint(static_cast<char32_t>(c))), out);
    }
  }

  // A segment of several code points (`seg`, UTF-8, controls already replaced).
  void NormalizeSegment(const std::string& seg, char32_t first, bool rest_vanishes_in_loose,
                        bool loose, std::string* out) const {
    if (!loose) {
      UErrorCode st = U_ZERO_ERROR;
      icu::StringByteSink<std::string> sink(out);
      nfc->normalizeUTF8(0, icu::StringPiece(seg.data(), static_cast<int32_t>(seg.size())), sink,
                         nullptr, st);
      if (U_FAILURE(st)) out->assign(seg);
      return;
    }
    // Marks that vanish from the loose view cannot change what their base becomes there (NFKD of
    // base+marks is NFKD(base) with the marks' own decompositions mixed in, all of them dropped),
    // so decomposed Vietnamese ("a" U+0323 U+0302) stays on the table path.
    if (rest_vanishes_in_loose && first < 0x10000) {
      out->append(Bytes(first, true));
      return;
    }
    LooseOf(icu::UnicodeString::fromUTF8(icu::StringPiece(seg.data(), int32_t(seg.size()))), out);
  }
};

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::~Normalizer() = default;

Status Normalizer::Create(std::unique_ptr<Normalizer>* out) {
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<Impl> impl(new (std::nothrow) Impl);
  if (!impl) return Status::ResourceExhausted("out of memory creating the normalizer");
  impl->nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_SUCCESS(st)) impl->nfkc = icu::Normalizer2::getNFKCInstance(st);
  if (U_SUCCESS(st)) impl->nfkd = icu::Normalizer2::getNFKDInstance(st);
  if (U_FAILURE(st) || !impl->nfc || !impl->nfkc || !impl->nfkd) {
    return Status::Internal(std::string("ICU normalization data could not be loaded: ") +
                            u_errorName(st));
  }
  // Latin-1 to Cyrillic Supplement (incl. combining marks), Latin Extended Additional (all
  // precomposed Vietnamese), Greek Extended, punctuation/letterlike, enclosed alphanumerics,
  // CJK punctuation, variation selectors/small forms/BOM, half- and full-width forms: built now
  // so the first paste of ordinary text never waits for a table.
  for (uint32_t hi : {0x00u, 0x01u, 0x02u, 0x03u, 0x04u, 0x05u, 0x1Eu, 0x1Fu, 0x20u, 0x21u,
                      0x24u, 0x30u, 0xFEu, 0xFFu}) {
    impl->Entry(hi << 8);
  }
  out->reset(new (std::nothrow) Normalizer(std::move(impl)));
  if (!*out) return Status::ResourceExhausted("out of memory creating the normalizer");
  return Status::OK();
}

void Normalizer::Normalize(std::string_view input, ViewKind kind, uint64_t base_offset,
                           NormalizedView* out) const {
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  const size_t n = input.size();
  const bool loose = kind == ViewKind::kLoose;
  const Impl& impl = *impl_;
  ViewWriter w(out, n + 16);
  std::string seg, scratch;  // only for multi-code-point segments and supplementary code points
  size_t i = 0;
  Decoded next{};  // a code point decoded while looking for joiners, not yet emitted
  bool have_next = false;
  while (i < n) {
    if (!have_next) {
      // ASCII run. Its last byte is left to the segment path when a non-ASCII byte follows,
      // because that may be a combining mark belonging to it.
      const size_t j = AsciiRunEnd(in, i, n);
      const size_t run_end = (j < n && j > i) ? j - 1 : j;
      if (run_end > i) {
        w.PutAscii(in + i, run_end - i, base_offset + i);
        i = run_end;
        if (i == n) break;
      }
    }

    // One segment: a code point and everything that joins it.
    const size_t seg_begin = i;
    const Decoded first = have_next ? next : DecodeUtf8(in + i, n - i);
    const char32_t first_cp = first.cp;  // the table maps C1 controls; CleanCodePoint below
    i += first.len;
    have_next = false;
    bool single = true, rest_vanishes = true;
    // Decomposed Vietnamese in the exact view: when each mark composes with what precedes it,
    // NFC of the segment is that composite (composePair(a, b) == c implies NFC(a b) == c, and
    // NFC(c m) == NFC(a b m)), which saves a full ICU call per syllable.
    char32_t composed = CleanCodePoint(first_cp);
    bool composes = !loose;
    while (i < n && in[i] >= 0x80) {  // ASCII never joins
      next = DecodeUtf8(in + i, n - i);
      if (!next.valid || !impl.JoinsCached(next.cp)) {
        have_next = true;
        break;
      }
      if (single) {
        seg.clear();
        AppendUtf8(CleanCodePoint(first_cp), &seg);
        single = false;
      }
      AppendUtf8(next.cp, &seg);  // joiners are marks or letters, never controls
      if (next.cp >= 0x10000 || impl.Entry(next.cp).loose_len != 0) rest_vanishes = false;
      if (composes) {
        const UChar32 c = impl.nfc->composePair(static_cast<UChar32>(composed), next.cp);
        composes = c >= 0;
        composed = static_cast<char32_t>(c);
      }
      i += next.len;
    }
    const uint64_t b = base_offset + seg_begin, e = base_offset + i;
    if (single && first_cp < 0x10000) {  // the common case: one table lookup
      w.Put(impl.Bytes(first_cp, loose), b, e);
      continue;
    }
    scratch.clear();
    if (!single && composes) {
      AppendUtf8(composed, &scratch);
    } else if (!single) {
      impl.NormalizeSegment(seg, CleanCodePoint(first_cp), rest_vanishes, loose, &scratch);
    } else if (loose) {
      impl.LooseOf(icu::UnicodeString(static_cast<UChar32>(first_cp)), &scratch);
    } else {
      impl.ExactOf(first_cp, &scratch);
    }
    w.Put(scratch, b, e);
  }
}

size_t Normalizer::SafeCut(std::string_view input, bool is_last) const {
  const size_t n = input.size();
  if (is_last || n == 0) return n;
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  const size_t floor = n > kSafeCutWindow ? n - kSafeCutWindow : 0;
  // Right after ASCII whitespace: keeps words whole for the matcher, and nothing composes with
  // whitespace, so both views of the two halves concatenate to the view of the whole.
  for (size_t p = n; p > floor; --p) {
    const uint8_t c = in[p - 1];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return p;
  }
  // Otherwise before the last complete code point that starts a segment: whatever follows in
  // the next chunk may still attach to the code point before that one, but never to the cut.
  for (size_t p = n; p-- > floor;) {
    if ((in[p] & 0xC0) == 0x80) continue;  // inside a sequence
    const Decoded d = DecodeUtf8(in + p, n - p);
    if (d.valid && !impl_->JoinsCached(d.cp)) return p;
  }
  if (n <= kSafeCutWindow) return 0;  // no safe point yet: the caller needs more input
  // 64 KiB without a starter is not text; bound the caller's buffer rather than be exact.
  // Cutting before a lead byte (or anywhere in a run of stray continuation bytes) never
  // splits a well-formed sequence.
  for (size_t p = n; p-- > floor + 1;) {
    if ((in[p] & 0xC0) != 0x80) return p;
  }
  return n;
}

}  // namespace dlp
