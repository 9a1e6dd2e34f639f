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
#include "normalizer_internal.h"

namespace dlp {
namespace {

using internal::AppendUtf8;
using internal::CleanCodePoint;
using internal::FastRun;
using internal::kAsciiMap;
using internal::kReplacementChar;
using internal::ViewWriter;

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

// Whether one of the eight bytes from `i` may start a combining mark of U+0300..U+036F (lead
// byte 0xCC or 0xCD), where the fast path would stop again at once: in decomposed text (a PDF or
// macOS export) a mark follows every few bytes, and a FastRun call per syllable cost more than
// the segment loop does for the same bytes.
[[gnu::always_inline]] inline bool MarkAhead(const uint8_t* in, size_t i, size_t n) {
  if (i + 8 > n) return false;
  uint64_t word;
  std::memcpy(&word, in + i, 8);
  const uint64_t x = (word & 0xFEFEFEFEFEFEFEFEull) ^ 0xCCCCCCCCCCCCCCCCull;  // 0 where CC/CD
  return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) != 0;
}

}  // namespace

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
    impl->BuildCompose();
    out->reset(new Normalizer(std::move(impl)));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory building the normalizer tables");
  }
  return Status::OK();
}

namespace {

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
      if (!have_next && !MarkAhead(in, i, n)) {
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
        single = false;
      }
      if (next.cp >= 0x10000 || !impl.table.VanishesInLoose(next.cp)) rest_vanishes = false;
      if (composes) {
        const UChar32 c = impl.ComposePair(composed, next.cp);
        composes = c >= 0;
        composed = static_cast<char32_t>(c);
      }
      i += next.len;
    }
    const uint64_t b = base_offset + seg_begin, e = base_offset + i;
    // The segment's text, for the cases the tables and compositions above do not cover: its
    // first code point cleaned, then its joiners as they are in the input (valid code points,
    // never controls, so their bytes are what encoding them would give).
    auto segment = [&]() -> const std::string& {
      seg.clear();
      AppendUtf8(CleanCodePoint(first_cp), &seg);
      const size_t joiners = seg_begin + first.len;
      seg.append(reinterpret_cast<const char*>(in) + joiners, i - joiners);
      return seg;
    };
    if (single && first_cp < 0x10000) {  // the common case: one table lookup for both views
      std::string_view ex, lo;
      impl.table.Views(first_cp, &ex, &lo);
      if constexpr (kExact) wx->Put(ex, b, e);
      if constexpr (kLoose) wl->Put(lo, b, e);
      continue;
    }
    if constexpr (kExact) {
      if (!single && composes) {  // decomposed Vietnamese composed back: one code point
        char buf[4];
        wx->Put(std::string_view(buf, internal::EncodeUtf8(composed, buf)), b, e);
      } else {
        scratch.clear();
        if (!single)
          impl.NormalizeSegment(segment(), CleanCodePoint(first_cp), rest_vanishes, false, &scratch);
        else
          impl.table.ExactOf(first_cp, &scratch);
        wx->Put(scratch, b, e);
      }
    }
    if constexpr (kLoose) {
      const char32_t clean = CleanCodePoint(first_cp);
      if (!single && rest_vanishes && clean < 0x10000) {
        // Decomposed Vietnamese: the marks vanish, the base's loose bytes stand for it all
        // (Impl::NormalizeSegment says why); no segment text is needed.
        wl->Put(impl.table.Bytes(clean, true), b, e);
        continue;
      }
      scratch.clear();
      if (!single) impl.NormalizeSegment(segment(), clean, rest_vanishes, true, &scratch);
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
