// Normalizer: the exact and loose views of a text, each byte mapped back to the original.
//
// Why segments instead of normalizing the whole text with ICU's Edits: a finding must be
// reported as the user's own bytes, and a character is one "segment" (a code point plus the
// combining marks that follow it), whatever normalization does inside it. Cutting the text where
// normalization cannot interact (ICU's hasBoundaryBefore for NFC and NFKC) and normalizing each
// piece on its own gives exactly NFC of the whole text (and the loose pipeline of the whole
// text), and lets every output byte carry the byte span of its segment. It is also fast: nearly
// all segments are one code point, whose views come from a table (normalizer_fold.h) instead of
// a call into ICU.
#include "dlp/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

#include "normalizer_fold.h"

namespace dlp {
namespace {

using internal::AppendUtf8;
using internal::CleanCodePoint;
using internal::kAsciiMap;
using internal::kReplacementChar;

// How far back SafeCut looks; bounds its cost and how much a caller must carry between chunks.
constexpr size_t kSafeCutWindow = 64 * 1024;

struct Decoded {
  char32_t cp;   // kReplacementChar when !valid
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
  if (b0 < 0xC2) return {kReplacementChar, 1, false};
  if (b0 < 0xE0) {
    if (!cont(1)) return {kReplacementChar, 1, false};
    return {(char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F), 2, true};
  }
  if (b0 < 0xF0) {
    const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    if (avail < 2 || p[1] < lo || p[1] > hi) return {kReplacementChar, 1, false};
    if (!cont(2)) return {kReplacementChar, 2, false};
    return {(char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F), 3, true};
  }
  if (b0 < 0xF5) {
    const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (avail < 2 || p[1] < lo || p[1] > hi) return {kReplacementChar, 1, false};
    if (!cont(2)) return {kReplacementChar, 2, false};
    if (!cont(3)) return {kReplacementChar, 3, false};
    return {(char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
                (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F),
            4, true};
  }
  return {kReplacementChar, 1, false};
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

// The number of bytes of the UTF-8 sequence that starts with lead byte `c` (views are valid
// UTF-8, so `c` is never a continuation byte).
[[gnu::always_inline]] inline size_t Utf8Length(char c) {
  const auto b = static_cast<uint8_t>(c);
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

// Appends bytes and their segments to a view through raw pointers, so the ASCII loop is plain
// stores with no per-byte capacity check. The text's capacity is reserved for the whole input up
// front (no reallocation, no page touched yet), and the text and the pieces are grown in small
// steps just ahead of the writes, the pieces without being zero-filled (UninitAllocator).
//
// Pieces (see NormalizedView): a segment whose view bytes are one code point as long as its
// original bytes is "copy" and costs nothing unless it does not start where the copy stretch
// expects (then an anchor piece restarts the stretch); any other segment is a piece. Both the
// fast path and the segment loop classify segments by this one rule, so the map does not depend
// on which of them produced a segment.
class ViewWriter {
 public:
  static constexpr uint64_t kNoOrig = UINT64_MAX;  // an empty view: the first copy byte anchors

  ViewWriter(NormalizedView* view, size_t expected)
      : v_(*view), size_(view->text.size()), npieces_(view->pieces.size()) {
    limit_ = size_;
    plimit_ = npieces_;
    const size_t want = size_ + expected;
    if (v_.text.capacity() < want) v_.text.reserve(want);
    // The pieces are not reserved for the worst case (one per input byte): there are few of them
    // in ordinary text, and growing them (geometrically, in ExtendPieces) copies little.
    if (npieces_ > 0) {
      const ViewPiece& last = v_.pieces[npieces_ - 1];
      next_orig_ = last.orig + last.olen + (size_ - last.view - last.vlen);
    }
  }
  ~ViewWriter() {
    v_.text.resize(size_);
    v_.pieces.resize(npieces_);
  }
  void Ensure(size_t extra) {
    if (size_ + extra > limit_) Extend(extra);
  }
  void EnsurePieces(size_t extra) {
    if (npieces_ + extra > plimit_) ExtendPieces(extra);
  }
  [[gnu::always_inline]] void Put(std::string_view s, uint64_t begin, uint64_t end) {
    if (s.empty()) return;  // a segment that vanished from this view leaves no trace in it
    Ensure(s.size());
    EnsurePieces(1);
    if (s.size() == end - begin && Utf8Length(s[0]) == s.size()) {
      Copy(begin, s.size());
    } else {
      pieces_[npieces_++] = ViewPiece{begin, size_, static_cast<uint32_t>(s.size()),
                                      static_cast<uint32_t>(end - begin)};
      next_orig_ = end;
    }
    if (s.size() == 1) {  // every letter of Vietnamese in the loose view
      text_[size_++] = s[0];
      return;
    }
    std::memcpy(text_ + size_, s.data(), s.size());
    size_ += s.size();
  }
  // One run of ASCII bytes, each its own segment.
  [[gnu::always_inline]] void PutAscii(const uint8_t* s, size_t n, uint64_t begin) {
    Ensure(n);
    EnsurePieces(1);
    Copy(begin, n);
    char* t = text_ + size_;
    for (size_t k = 0; k < n; ++k) t[k] = kAsciiMap[s[k]];
    size_ += n;
  }

  // Raw access for the fused fast path (FastRun), which writes at most one view byte per input
  // byte after one Ensure() for the whole block.
  char* text() const { return text_; }
  ViewPiece* pieces() const { return pieces_; }
  size_t size() const { return size_; }
  size_t npieces() const { return npieces_; }
  uint64_t next_orig() const { return next_orig_; }
  void Commit(size_t size, size_t npieces, uint64_t next_orig) {
    size_ = size;
    npieces_ = npieces;
    next_orig_ = next_orig;
  }

 private:
  static constexpr size_t kStep = 16384;
  // Copy segments of n bytes starting at original offset `begin`, about to be written at size_.
  [[gnu::always_inline]] void Copy(uint64_t begin, size_t n) {
    if (begin != next_orig_) pieces_[npieces_++] = ViewPiece{begin, size_, 0, 0};
    next_orig_ = begin + n;
  }
  void Extend(size_t extra) {
    limit_ = size_ + std::max(extra, kStep);
    v_.text.resize(limit_);
    text_ = v_.text.data();
  }
  void ExtendPieces(size_t extra) {
    plimit_ = npieces_ + std::max(extra, kStep / 4);
    v_.pieces.resize(plimit_);
    pieces_ = v_.pieces.data();
  }
  NormalizedView& v_;
  size_t size_;
  size_t limit_;
  size_t npieces_;
  size_t plimit_;
  uint64_t next_orig_ = kNoOrig;
  char* text_ = nullptr;
  ViewPiece* pieces_ = nullptr;
};

}  // namespace

struct Normalizer::Impl {
  Impl(const icu::Normalizer2* nfc_in, const icu::Normalizer2* nfkc, const icu::Normalizer2* nfkd)
      : nfc(nfc_in), table(nfc_in, nfkc, nfkd) {}

  const icu::Normalizer2* nfc;
  internal::CodePointTable table;
  // The fused fast path's table (FastRun): for each code point of two-byte UTF-8 (fast[cp]) and
  // of Latin Extended Additional, U+1E00..U+1EFF (fast[0x800 + cp - 0x1E00]: every precomposed
  // Vietnamese letter with two marks), the single ASCII byte it becomes in the loose view, or 0
  // when the code point is not "simple": simple means it never joins what precedes it, its
  // exact view is itself (NFC-stable, not a control) and its loose view is one ASCII byte.
  // Filled from the same CodePointTable the general path uses, so both paths agree by
  // construction. One table, so a letter's byte is one load whichever its length.
  static constexpr uint32_t kFast1e = 0x800;
  uint8_t fast[0x900] = {};

  void BuildFast() {
    auto simple = [this](char32_t c) -> uint8_t {
      std::string_view ex, lo;
      table.Views(c, &ex, &lo);
      std::string self;
      AppendUtf8(c, &self);
      if (table.Joins(c) || ex != self || lo.size() != 1) return 0;
      const auto b = static_cast<uint8_t>(lo[0]);
      return b > 0 && b < 0x80 ? b : 0;
    };
    for (char32_t c = 0x80; c < 0x800; ++c) fast[c] = simple(c);
    for (char32_t c = 0; c < 0x100; ++c) fast[kFast1e + c] = simple(0x1E00 + c);
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
      out->append(table.Bytes(first, true));
      return;
    }
    table.LooseOf(icu::UnicodeString::fromUTF8(icu::StringPiece(seg.data(), int32_t(seg.size()))),
                  out);
  }
};

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::~Normalizer() = default;

Status Normalizer::Create(std::unique_ptr<Normalizer>* out) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  const icu::Normalizer2* nfkc = U_SUCCESS(st) ? icu::Normalizer2::getNFKCInstance(st) : nullptr;
  const icu::Normalizer2* nfkd = U_SUCCESS(st) ? icu::Normalizer2::getNFKDInstance(st) : nullptr;
  if (U_FAILURE(st) || !nfc || !nfkc || !nfkd) {
    return Status::Internal(std::string("ICU normalization data could not be loaded: ") +
                            u_errorName(st));
  }
  try {
    auto impl = std::make_unique<Impl>(nfc, nfkc, nfkd);
    impl->table.Prebuild();
    impl->BuildFast();
    out->reset(new Normalizer(std::move(impl)));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory building the normalizer tables");
  }
  return Status::OK();
}

namespace {

// The loose byte of the simple code point whose bytes begin `u` (little-endian, the next four
// bytes of the input; see Impl::fast) in *lo, and its length; 0 if it is not one. Without a
// branch on the length: the lead and continuation bits of both forms (110xxxxx 10xxxxxx, and
// E1 B8..BB 10xxxxxx) are checked with one mask each and the table index chosen from the result; anything else reads fast[0], which is 0 (as
// is every entry below U+0080, where an overlong C0/C1 lead decodes). Bytes past the input's
// end read as 0, which no continuation check accepts.
[[gnu::always_inline]] inline uint32_t FastCharOf(const Normalizer::Impl& impl, uint32_t u,
                                                  uint8_t* lo) {
  const bool two = (u & 0xC0E0u) == 0x80C0u;
  const bool three = (u & 0xC0FCFFu) == 0x80B8E1u;
  const uint32_t i2 = ((u & 0x1Fu) << 6) | ((u >> 8) & 0x3Fu);
  const uint32_t i3 = Normalizer::Impl::kFast1e | ((u >> 2) & 0xC0u) | ((u >> 16) & 0x3Fu);
  // Masks rather than ?: so that the compiler keeps it free of branches.
  *lo = impl.fast[(i2 & (0u - two)) | (i3 & (0u - three))];
  return *lo != 0 ? 3 - two : 0;
}

// True if kAsciiMap changes one of the bytes: IsReplacedControl for ASCII only (bytes of UTF-8
// sequences are >= 0x80 and stay), written with & and | so that the loop is vectorized.
bool HasReplacedControl(const char* p, size_t n) {
  uint8_t any = 0;
  for (size_t k = 0; k < n; ++k) {
    const auto c = static_cast<uint8_t>(p[k]);
    const bool c0 = (c < 0x20) & (c != '\t') & (c != '\n') & (c != '\r');
    any |= static_cast<uint8_t>(c0 | (c == 0x7F));
  }
  return any != 0;
}

void ReplaceControls(char* p, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    const auto c = static_cast<uint8_t>(p[k]);
    if (c < 0x80) p[k] = kAsciiMap[c];
  }
}

// The fused fast path for ordinary text: ASCII and simple code points (Impl::fast), each a
// segment of its own as long as the next code point cannot join it, with views known without
// decoding a segment. In the exact view such a stretch is the input itself (controls aside: they
// keep their length), a copy stretch needing at most one anchor per call, so it is written with
// one memcpy per block after the loop, which only builds the loose view: ASCII as itself, a
// simple code point as one ASCII byte and a piece (one byte from two or three). Controls are
// replaced in both views after each block, when a check of its bytes finds any.
//
// Nothing looks ahead for joiners: a code point the fast path cannot take (a mark, a joiner,
// other scripts, invalid UTF-8) ends the run, and the segment before it, which it may join, is
// taken back (it is the last one written: one loose byte, and its piece if it was a letter).
// Returns where it stopped: `n`, or the start of a segment the general loop must handle.
size_t FastRun(const Normalizer::Impl& impl, const uint8_t* in, size_t i, size_t n,
               uint64_t base_offset, ViewWriter* wx, ViewWriter* wl) {
  constexpr size_t kBlock = 4096;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const size_t first = i;
  const uint64_t ox0 = base_offset + i;
  // Only the call's first loose byte can need an anchor (if ASCII: a letter is a piece), and
  // the exact view's one anchor goes in with the first block that keeps anything.
  const bool anchor_loose = ox0 != wl->next_orig() && in[i] < 0x80;
  bool anchor_exact = ox0 != wx->next_orig();
  while (i < n) {
    const size_t stop = std::min(n, i + kBlock);
    wx->Ensure(stop - i + 16);  // + a code point straddling `stop`, + the ASCII steps' overshoot
    wl->Ensure(stop - i + 16);
    wx->EnsurePieces(1);
    wl->EnsurePieces(stop - i + 1);  // a piece per simple code point, + an anchor
    char* const tl = wl->text();
    ViewPiece* const pl = wl->pieces();
    const size_t sl0 = wl->size(), ib = i;
    size_t sl = sl0, npl = wl->npieces();
    if (anchor_loose && i == first) pl[npl++] = ViewPiece{ox0, sl, 0, 0};
    bool slow = false;
    // Each step is a run of ASCII (often empty: Vietnamese words are a few ASCII letters around
    // one precomposed letter) and then one letter, so that which comes next is never a branch.
    // One simple letter (u: its bytes, and what follows) taken into the loose view with its
    // piece; false for anything else, which stops the fast path.
    auto letter = [&](uint32_t u) {
      uint8_t lo = 0;
      const uint32_t len = FastCharOf(impl, u, &lo);
      if (len == 0) return false;
      pl[npl++] = ViewPiece{base_offset + i, sl, 1, len};
      tl[sl++] = static_cast<char>(lo);
      i += len;
      return true;
    };
    // The same steps as the loop below, while every load stays 16 bytes before the input's end
    // (most of a block), without the checks for it.
    const size_t safe = std::min(stop, n >= 16 ? n - 16 : 0);
    while (i < safe) {
      uint64_t word;
      std::memcpy(&word, in + i, 8);
      std::memcpy(tl + sl, &word, 8);
      const uint64_t high = word & kHigh;
      if (high == 0) {
        sl += 8;
        i += 8;
        continue;
      }
      const size_t take = std::countr_zero(high) >> 3;
      sl += take;
      i += take;
      if (i >= stop) break;
      uint32_t u;
      std::memcpy(&u, in + i, 4);
      if (!letter(u)) {
        slow = true;
        break;
      }
    }
    while (!slow && i < stop) {
      // Eight bytes per step, all stored, until a byte with its top bit set (past the input's
      // end, 0x80 stands in) or `stop`, overshot by at most seven bytes (the +16 slack).
      for (;;) {
        uint64_t word = kHigh;
        if (i + 8 <= n) std::memcpy(&word, in + i, 8);
        else std::memcpy(&word, in + i, n - i);
        std::memcpy(tl + sl, &word, 8);
        if (const uint64_t high = word & kHigh) {
          const size_t take = std::countr_zero(high) >> 3;
          sl += take;
          i += take;
          break;
        }
        sl += 8;
        i += 8;
        if (i >= stop) break;
      }
      if (i >= stop) break;
      uint32_t u = 0;  // bytes past the input's end read as 0, which FastCharOf refuses
      std::memcpy(&u, in + i, std::min<size_t>(4, n - i));
      if (!letter(u)) {
        slow = true;
        break;
      }
    }
    // The exact view: the block's input. Controls, rare, are replaced afterwards in both views
    // (a letter's loose byte is never one, so mapping the whole loose range is safe).
    char* const tx = wx->text();
    const size_t sx0 = wx->size();
    size_t sx = sx0;
    std::memcpy(tx + sx, in + ib, i - ib);
    if (HasReplacedControl(tx + sx, i - ib)) {
      ReplaceControls(tx + sx, i - ib);
      ReplaceControls(tl + sl0, sl - sl0);
    }
    sx += i - ib;
    if (slow && i > first) {  // take back the segment the stopper may join: the last one written
      // A letter's piece is the last piece and holds the last loose byte; ASCII has none (an
      // older piece starts before this call's first byte, this call's anchor is empty).
      const bool letter = npl > 0 && pl[npl - 1].view == sl - 1 && pl[npl - 1].vlen == 1;
      const size_t len = letter ? pl[npl - 1].olen : 1;
      i -= len;
      sx -= len;
      --sl;
      if (letter) --npl;
    }
    // A call that keeps nothing leaves both views as they were (its loose anchor, if any, is
    // dropped with it). Only the first block can: one that ends at `stop` kept 4 KiB.
    if (i == first) return first;
    if (anchor_exact) wx->pieces()[wx->npieces()] = ViewPiece{ox0, sx0, 0, 0};  // first block
    wx->Commit(sx, wx->npieces() + anchor_exact, base_offset + i);
    anchor_exact = false;
    wl->Commit(sl, npl, base_offset + i);
    if (slow) return i;
  }
  return i;
}

// The segment loop, producing the exact view (kExact), the loose view (kLoose) or both at once.
// Fused, each code point is decoded, checked for joiners and looked up once for both views.
template <bool kExact, bool kLoose>
void RunNormalize(const Normalizer::Impl& impl, std::string_view input, uint64_t base_offset,
                  ViewWriter* wx, ViewWriter* wl) {
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  const size_t n = input.size();
  std::string seg, scratch;  // only for multi-code-point segments and supplementary code points
  size_t i = 0;
  Decoded next{};  // a code point decoded while looking for joiners, not yet emitted
  bool have_next = false;
  while (i < n) {
    if constexpr (kExact && kLoose) {
      if (!have_next) {
        i = FastRun(impl, in, i, n, base_offset, wx, wl);
        if (i == n) break;
      }
    }
    if (!have_next) {
      // ASCII run. Its last byte is left to the segment path when a non-ASCII byte follows,
      // because that may be a combining mark belonging to it.
      const size_t j = AsciiRunEnd(in, i, n);
      const size_t run_end = (j < n && j > i) ? j - 1 : j;
      if (run_end > i) {
        if constexpr (kExact) wx->PutAscii(in + i, run_end - i, base_offset + i);
        if constexpr (kLoose) wl->PutAscii(in + i, run_end - i, base_offset + i);
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
    char32_t composed = 0;
    bool composes = kExact;
    while (i < n && in[i] >= 0x80) {  // ASCII never joins
      next = DecodeUtf8(in + i, n - i);
      if (!next.valid || !impl.table.Joins(next.cp)) {
        have_next = true;
        break;
      }
      if (single) {
        composed = CleanCodePoint(first_cp);
        seg.clear();
        AppendUtf8(composed, &seg);
        single = false;
      }
      AppendUtf8(next.cp, &seg);  // joiners are marks or letters, never controls
      if (next.cp >= 0x10000 || !impl.table.VanishesInLoose(next.cp)) rest_vanishes = false;
      if (composes) {
        const UChar32 c = impl.nfc->composePair(static_cast<UChar32>(composed), next.cp);
        composes = c >= 0;
        composed = static_cast<char32_t>(c);
      }
      i += next.len;
    }
    const uint64_t b = base_offset + seg_begin, e = base_offset + i;
    if (single && first_cp < 0x10000) {  // the common case: one table lookup for both views
      std::string_view ex, lo;
      impl.table.Views(first_cp, &ex, &lo);
      if constexpr (kExact) wx->Put(ex, b, e);
      if constexpr (kLoose) wl->Put(lo, b, e);
      continue;
    }
    if constexpr (kExact) {
      scratch.clear();
      if (!single && composes) AppendUtf8(composed, &scratch);
      else if (!single) impl.NormalizeSegment(seg, CleanCodePoint(first_cp), rest_vanishes, false, &scratch);
      else impl.table.ExactOf(first_cp, &scratch);
      wx->Put(scratch, b, e);
    }
    if constexpr (kLoose) {
      scratch.clear();
      if (!single) impl.NormalizeSegment(seg, CleanCodePoint(first_cp), rest_vanishes, true, &scratch);
      else impl.table.LooseOf(icu::UnicodeString(static_cast<UChar32>(first_cp)), &scratch);
      wl->Put(scratch, b, e);
    }
  }
}

}  // namespace

void Normalizer::Normalize(std::string_view input, ViewKind kind, uint64_t base_offset,
                           NormalizedView* out) const {
  ViewWriter w(out, input.size() + 16);
  if (kind == ViewKind::kLoose) RunNormalize<false, true>(*impl_, input, base_offset, nullptr, &w);
  else RunNormalize<true, false>(*impl_, input, base_offset, &w, nullptr);
}

void Normalizer::NormalizeBoth(std::string_view input, uint64_t base_offset, NormalizedView* exact,
                               NormalizedView* loose) const {
  ViewWriter wx(exact, input.size() + 16), wl(loose, input.size() + 16);
  RunNormalize<true, true>(*impl_, input, base_offset, &wx, &wl);
}

size_t Normalizer::SafeCut(std::string_view input, bool is_last) const {
  const size_t n = input.size();
  if (is_last || n == 0) return n;
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  const size_t floor = n > kSafeCutWindow ? n - kSafeCutWindow : 0;
  // A cut at p is exact (views and offsets of the halves concatenate to those of the whole) when
  // a complete code point that nothing can attach to backwards starts there.
  auto starts_segment = [&](size_t p) {
    if (in[p] < 0x80) return true;
    const Decoded d = DecodeUtf8(in + p, n - p);
    return d.valid && !impl_->table.Joins(d.cp);
  };
  // Preferably right after ASCII whitespace, which keeps words whole for the matcher.
  for (size_t p = n - 1; p > floor; --p) {
    const uint8_t c = in[p - 1];
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
    if (space && starts_segment(p)) return p;
  }
  // Otherwise before the last segment start: the next chunk may still bring marks for the code
  // point there, so it goes with the next chunk.
  for (size_t p = n; p-- > floor;) {
    if ((in[p] & 0xC0) != 0x80 && starts_segment(p)) return p;
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
