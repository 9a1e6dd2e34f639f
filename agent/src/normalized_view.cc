// NormalizedView's offset map, read: from view bytes to the original bytes and back, and cutting
// the front of a view. The map is written by the normalizer (normalizer.cc); "Offset maps by
// pieces" in docs/ARCHITECTURE.md describes it.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "dlp/normalizer.h"

namespace dlp {

namespace {

bool IsContinuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }

// The last piece whose key (`key(piece)`, increasing strictly along the pieces) is at most
// `target`, or -1 if none. A lookup's piece is usually one of the two at the hint (a piece index
// from an earlier lookup on this view, updated here: a finding's end follows its start).
// Otherwise the pieces are searched by interpolation, with a halving step after any probe that
// did not halve the range (at most twice a binary search's probes): offsets grow nearly in
// proportion to piece indices in text (a piece every few letters), so a few probes land in the
// right cache line, where a binary search or a gallop from the previous finding, a few hundred
// pieces away, took ~18 probes of a map larger than the cache (6 % of a scan's time).
template <typename Key>
std::ptrdiff_t LastAtMost(const ViewPieces& ps, size_t* hint, uint64_t target, Key key) {
  const auto n = static_cast<std::ptrdiff_t>(ps.size());
  if (n == 0 || key(ps[0]) > target) return -1;
  std::ptrdiff_t lo = 0, hi = n;  // key(lo) <= target; key(hi) > target (or hi == n)
  if (hint != nullptr) {
    const auto h = static_cast<std::ptrdiff_t>(std::min(*hint, ps.size() - 1));
    if (key(ps[h]) <= target) {
      lo = h;
      if (h + 1 < n && key(ps[h + 1]) > target) hi = h + 1;
    } else {
      hi = h;
    }
  }
  if (hi == n) {
    if (key(ps[n - 1]) <= target) lo = n - 1;
    else hi = n - 1;
  }
  bool interpolate = true;
  while (hi - lo > 1) {
    const std::ptrdiff_t width = hi - lo;
    std::ptrdiff_t mid = lo + width / 2;
    if (interpolate) {
      const uint64_t klo = key(ps[lo]), khi = key(ps[hi]);
      const double f = static_cast<double>(target - klo) / static_cast<double>(khi - klo);
      mid = std::clamp<std::ptrdiff_t>(lo + static_cast<std::ptrdiff_t>(f * width), lo + 1, hi - 1);
    }
    if (key(ps[mid]) <= target) lo = mid;
    else hi = mid;
    interpolate = 2 * (hi - lo) <= width;  // a probe that did not halve: bisect next
  }
  if (hint != nullptr) *hint = static_cast<size_t>(lo);
  return lo;
}

// The piece holding view byte i (< text size): the last one starting at or before it.
size_t PieceOf(const ViewPieces& pieces, size_t i, size_t* hint) {
  return static_cast<size_t>(
      LastAtMost(pieces, hint, i, [](const ViewPiece& p) { return p.view; }));
}

// Where the copy stretch of piece k ends.
size_t StretchEnd(const NormalizedView& v, size_t k) {
  return k + 1 < v.pieces.size() ? v.pieces[k + 1].view : v.text.size();
}

}  // namespace

// In a copy stretch a code point of the view is its own segment, as long as in the original: its
// lead byte is found at most three bytes back, its end at most three bytes on.
uint64_t NormalizedView::OriginalBegin(size_t begin, size_t* hint) const {
  const ViewPiece& p = pieces[PieceOf(pieces, begin, hint)];
  const size_t copy = p.view + p.vlen;
  if (begin < copy) return p.orig;
  size_t j = begin;
  while (j > copy && IsContinuation(text[j])) --j;
  return p.orig + p.olen + (j - copy);
}

uint64_t NormalizedView::OriginalEnd(size_t end, size_t* hint) const {
  const size_t k = PieceOf(pieces, end - 1, hint);
  const ViewPiece& p = pieces[k];
  const size_t copy = p.view + p.vlen;
  if (end - 1 < copy) return p.orig + p.olen;
  const size_t stop = StretchEnd(*this, k);
  size_t j = end;
  while (j < stop && IsContinuation(text[j])) ++j;
  return p.orig + p.olen + (j - copy);
}

size_t NormalizedView::FromOriginal(uint64_t orig, size_t* hint) const {
  // Pieces' original offsets increase strictly, so every byte of pieces from the first one at or
  // after `orig` qualifies, and every byte before the piece preceding it does not: the answer is
  // in that piece's copy stretch or is the next piece's first byte.
  if (orig == 0) return 0;
  const auto k = static_cast<size_t>(
      LastAtMost(pieces, hint, orig - 1, [](const ViewPiece& p) { return p.orig; }) + 1);
  if (k == 0) return 0;
  const ViewPiece& p = pieces[k - 1];
  const size_t copy = p.view + p.vlen, stop = StretchEnd(*this, k - 1);
  const uint64_t ocopy = p.orig + p.olen;
  size_t j = orig <= ocopy ? copy : copy + static_cast<size_t>(std::min<uint64_t>(orig - ocopy, stop - copy));
  while (j < stop && IsContinuation(text[j])) ++j;  // bytes inside a code point begin before it
  return j;
}

void NormalizedView::TrimFront(size_t n) {
  if (n == 0) return;
  if (n >= text.size()) {
    Clear();
    return;
  }
  // The piece holding byte n becomes the first, starting at n. Cut inside a segment, the kept
  // bytes of that segment become a piece of their own that still maps to the whole segment.
  const size_t k = PieceOf(pieces, n, nullptr);
  ViewPiece head = pieces[k];
  const size_t copy = head.view + head.vlen;
  if (n < copy) {
    head.vlen = static_cast<uint32_t>(copy - n);
    head.view = n;
  } else if (!IsContinuation(text[n])) {
    head = ViewPiece{head.orig + head.olen + (n - copy), n, 0, 0};
  } else {
    const size_t stop = StretchEnd(*this, k);
    size_t lead = n, next = n + 1;
    while (lead > copy && IsContinuation(text[lead])) --lead;
    while (next < stop && IsContinuation(text[next])) ++next;
    const uint64_t ocopy = head.orig + head.olen;
    head = ViewPiece{ocopy + (lead - copy), n, static_cast<uint32_t>(next - n),
                     static_cast<uint32_t>(next - lead)};
  }
  pieces[k] = head;
  pieces.erase(pieces.begin(), pieces.begin() + static_cast<std::ptrdiff_t>(k));
  for (ViewPiece& p : pieces) p.view -= n;
  text.erase(0, n);
}

}  // namespace dlp
