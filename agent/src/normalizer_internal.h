// What normalizer.cc (the segment loop, the public calls) and normalizer_fast_path.cc (the fused
// fast path for ASCII and precomposed letters) share: the writer of a view and its offset map,
// and the normalizer's tables.
#ifndef DLP_AGENT_NORMALIZER_INTERNAL_H_
#define DLP_AGENT_NORMALIZER_INTERNAL_H_

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "dlp/normalizer.h"
#include "normalizer_fold.h"

namespace dlp {
namespace internal {

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
    // A step ahead, but not past the capacity reserved for this input: resize() zero-fills, and
    // a whole step for a short paste cost more than writing the paste's views.
    const size_t room = v_.text.capacity() - size_;
    limit_ = size_ + std::max(extra, std::min(kStep, room));
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

}  // namespace internal

struct Normalizer::Impl {
  Impl(const icu::Normalizer2* nfc_in, const icu::Normalizer2* nfkc, const icu::Normalizer2* nfkd)
      : nfc(nfc_in), table(nfc_in, nfkc, nfkd) {}

  const icu::Normalizer2* nfc;
  internal::CodePointTable table;
  // The fused fast path's tables (FastRun): the single ASCII byte a "simple" code point becomes
  // in the loose view, or 0 for anything else. Simple means it never joins what precedes it,
  // its exact view is itself (NFC-stable, not a control) and its loose view is one ASCII byte.
  // fast2 is indexed by a two-byte sequence's bytes as read (lead | continuation << 8: the low
  // 16 bits of the next four input bytes, little-endian), fast3 by the second and third bytes of
  // E1 xx yy, Latin Extended Additional (U+1E00..U+1EFF: every precomposed Vietnamese letter with
  // two marks). Entries for anything that is not a well-formed sequence of a simple code point
  // (overlong C0/C1 leads, a byte that is not a continuation, bytes past the input read as 0)
  // are 0, so the tables check the bytes as they map them: a letter costs two loads and a
  // select. Filled from the same CodePointTable the general path uses, so both paths agree by
  // construction.
  uint8_t fast2[0x10000] = {};
  uint8_t fast3[0x10000] = {};

  void BuildFast() {
    auto simple = [this](char32_t c) -> uint8_t {
      std::string_view ex, lo;
      table.Views(c, &ex, &lo);
      std::string self;
      internal::AppendUtf8(c, &self);
      if (table.Joins(c) || ex != self || lo.size() != 1) return 0;
      const auto b = static_cast<uint8_t>(lo[0]);
      return b > 0 && b < 0x80 ? b : 0;
    };
    for (char32_t c = 0x80; c < 0x800; ++c)  // C2..DF 80..BF
      fast2[(0xC0 | (c >> 6)) | ((0x80 | (c & 0x3F)) << 8)] = simple(c);
    for (char32_t c = 0x1E00; c < 0x1F00; ++c)  // E1 B8..BB 80..BF
      fast3[(0x80 | ((c >> 6) & 0x3F)) | ((0x80 | (c & 0x3F)) << 8)] = simple(c);
  }

  // ICU's composePair for the marks Vietnamese writes on Latin letters (and on letters that
  // already carry one: ơ + U+0301), from a table filled by ICU itself: the call was an eighth of
  // the time of decomposed text (a PDF or macOS export). Other pairs go to ICU.
  static constexpr char32_t kComposeMarks[8] = {0x300, 0x301, 0x302, 0x303,
                                                0x306, 0x309, 0x31B, 0x323};
  static constexpr char32_t kLatinEnd = 0x250, kExtendedBegin = 0x1EA0, kExtendedEnd = 0x1F00;
  static constexpr size_t kComposeBases = kLatinEnd + (kExtendedEnd - kExtendedBegin);
  int32_t compose[kComposeBases * 8] = {};

  static int ComposeMark(char32_t m) {
    switch (m) {
      case 0x300: return 0;
      case 0x301: return 1;
      case 0x302: return 2;
      case 0x303: return 3;
      case 0x306: return 4;
      case 0x309: return 5;
      case 0x31B: return 6;
      case 0x323: return 7;
      default: return -1;
    }
  }
  static int64_t ComposeBase(char32_t a) {
    if (a < kLatinEnd) return a;
    if (a >= kExtendedBegin && a < kExtendedEnd) return kLatinEnd + (a - kExtendedBegin);
    return -1;
  }
  UChar32 ComposePair(char32_t a, char32_t b) const {
    const int m = ComposeMark(b);
    const int64_t base = m < 0 ? -1 : ComposeBase(a);
    if (base >= 0) return compose[base * 8 + m];
    return nfc->composePair(static_cast<UChar32>(a), static_cast<UChar32>(b));
  }
  void BuildCompose() {
    for (char32_t a = 0; a < kExtendedEnd; ++a) {
      const int64_t base = ComposeBase(a);
      if (base < 0) continue;
      for (int m = 0; m < 8; ++m)
        compose[base * 8 + m] = nfc->composePair(static_cast<UChar32>(a),
                                                 static_cast<UChar32>(kComposeMarks[m]));
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
      out->append(table.Bytes(first, true));
      return;
    }
    table.LooseOf(icu::UnicodeString::fromUTF8(icu::StringPiece(seg.data(), int32_t(seg.size()))),
                  out);
  }
};

namespace internal {

// The fused fast path from input offset `i` (normalizer_fast_path.cc): returns where it stopped,
// `n` or the start of a segment the general loop must handle.
size_t FastRun(const Normalizer::Impl& impl, const uint8_t* in, size_t i, size_t n,
               uint64_t base_offset, ViewWriter* wx, ViewWriter* wl);

}  // namespace internal
}  // namespace dlp

#endif  // DLP_AGENT_NORMALIZER_INTERNAL_H_
