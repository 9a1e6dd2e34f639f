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
// view is reported as a byte span of the user's own text.
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

// An allocator whose resize() leaves new elements uninitialized: the normalizer grows the offset
// maps just ahead of writing every element, and zero-filling them first cost an extra pass over
// 16 bytes per input byte (12% of a scan).
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
using OffsetMap = std::vector<uint64_t, UninitAllocator<uint64_t>>;

struct NormalizedView {
  std::string text;
  // For each byte i of `text`, the original bytes [src_begin[i], src_end[i]) produced it.
  // Offsets are absolute: `base_offset` given to Normalize() is added to them.
  OffsetMap src_begin;
  OffsetMap src_end;

  // The original span covered by the view span [begin, end); requires begin < end <= size.
  uint64_t OriginalBegin(size_t begin) const { return src_begin[begin]; }
  uint64_t OriginalEnd(size_t end) const { return src_end[end - 1]; }
  void Clear() { text.clear(); src_begin.clear(); src_end.clear(); }
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
