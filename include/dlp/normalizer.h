// Normalizer: turns the caller's text into the views that rules match on.
//
// Two views exist (see docs/ARCHITECTURE.md, "Engine"):
//   - exact: NFC, case and diacritics kept. For rules where the exact letters matter.
//   - loose: NFKC, default-ignorable characters (zero-width, soft hyphen, BOM...) removed,
//     Vietnamese diacritics stripped (đ -> d), Cyrillic/Greek/full-width look-alikes folded to
//     Latin, every kind of space folded to ' ', dashes to '-'. Case is kept.
// In both views invalid UTF-8 becomes U+FFFD and control characters other than tab, CR and LF
// become a space, so the matcher never sees bytes that could confuse it.
//
// Every byte of a view remembers which bytes of the original produced it, so a finding made on a
// view is reported as a byte span of the user's own text (NormalizedView::pieces).
//
// Thread safety: a Normalizer is immutable after construction and may be shared by threads.
#ifndef DLP_NORMALIZER_H_
#define DLP_NORMALIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dlp/status.h"

namespace dlp {

enum class ViewKind { kExact = 0, kLoose = 1 };
inline constexpr int kViewCount = 2;

// An allocator whose resize() leaves new elements uninitialized: the normalizer grows a view's
// buffers just ahead of writing every element, and zero-filling them first would cost an extra
// pass.
template <typename T>
struct UninitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind { using other = UninitAllocator<U>; };
  UninitAllocator() = default;
  template <typename U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }  // default-init: no zeroing
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) { ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...); }
};

// One piece of a view's offset map (see NormalizedView): view bytes [view, view + vlen) are one
// segment whose original bytes are [orig, orig + olen) (vlen == 0: no such segment), followed by
// a copy stretch up to the next piece (or the end of the text) that starts at original offset
// orig + olen.
struct ViewPiece {
  uint64_t orig;
  uint64_t view;
  // 32 bits: a segment is one code point and the marks that join it, and the exact view already
  // hands a whole segment to ICU, whose lengths are int32_t.
  uint32_t vlen;
  uint32_t olen;
  bool operator==(const ViewPiece&) const = default;
};
using ViewPieces = std::vector<ViewPiece, UninitAllocator<ViewPiece>>;

struct NormalizedView {
  std::string text;
  // Every byte of `text` belongs to a segment of the original: the bytes [begin, end) that
  // produced it (a code point with the marks that join it). The map is stored by pieces rather
  // than as two 64-bit offsets per view byte (32 bytes written per input byte for the two views,
  // the larger part of the normalizer's memory traffic), because it is read only per finding
  // (a search of the pieces) while it is written for every byte. In a "copy"
  // stretch each code point of the view is a segment of its own whose original bytes are exactly
  // as long as its view bytes (ASCII, NFC-stable letters in the exact view: nearly all text), so
  // offsets there follow from the stretch's start and the UTF-8 lead bytes of `text`. Any other
  // segment (a Vietnamese letter folded to one ASCII byte in the loose view, a composed sequence,
  // U+FFFD for a bad byte...) is a piece of its own, and a piece also restarts a copy stretch
  // after segments that left no bytes in the view (zero-width characters in the loose view).
  // The encoding is canonical: the same segments give the same pieces however the input was
  // chunked and whichever path produced them. Offsets are absolute: `base_offset` given to
  // Normalize() is added to them. Invariant: pieces' view and orig both increase strictly, and
  // a non-empty text has a piece at view 0.
  ViewPieces pieces;

  // The original span covered by the view span [begin, end); requires begin < end <= size.
  // `hint`, if given, is where the search of the map starts and is updated: a caller making many
  // nearby lookups keeps one per view (any value is correct, a recent one is fast; 0 to start).
  uint64_t OriginalBegin(size_t begin, size_t* hint = nullptr) const;
  uint64_t OriginalEnd(size_t end, size_t* hint = nullptr) const;
  // The first view position whose original begin is >= `orig` (text.size() if none).
  size_t FromOriginal(uint64_t orig, size_t* hint = nullptr) const;
  // Drops the first n bytes of the view, keeping the map of the rest exact (the first segment
  // kept may be cut: its bytes still map to its whole original span).
  void TrimFront(size_t n);
  void Clear() { text.clear(); pieces.clear(); }
};

class Normalizer {
 public:
  // Fails only if ICU's normalization data cannot be loaded.
  static Status Create(std::unique_ptr<Normalizer>* out);
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Appends the `kind` view of `input` to `*out` (callers may reuse `out` between calls after
  // Clear()). Offsets recorded are base_offset + position in `input`. Never fails on bad input.
  void Normalize(std::string_view input, ViewKind kind, uint64_t base_offset,
                 NormalizedView* out) const;
  // Both views in one pass (each code point decoded and looked up once): the same result as
  // Normalize() with kExact into `exact` and kLoose into `loose`, at a little over half the cost.
  void NormalizeBoth(std::string_view input, uint64_t base_offset, NormalizedView* exact,
                     NormalizedView* loose) const;

  // The length of the longest prefix of `input` that can be normalized on its own without
  // changing the result, i.e. cut before the last starter character. Used to split a stream
  // into chunks. Returns input.size() when `is_last` is true.
  size_t SafeCut(std::string_view input, bool is_last) const;

  struct Impl;  // defined in normalizer.cc

 private:
  explicit Normalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dlp

#endif  // DLP_NORMALIZER_H_
