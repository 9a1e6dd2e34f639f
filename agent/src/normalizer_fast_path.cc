// The normalizer's fused fast path: ordinary text (ASCII and precomposed letters, nearly all
// Vietnamese) written into both views without decoding segments. normalizer.cc's segment loop
// calls it and carries on where it stops; normalizer_fused_test.cc and the engine fuzz target
// hold the two to the same bytes and offset maps.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include "normalizer_internal.h"

namespace dlp::internal {
namespace {

// The loose byte of the simple code point whose bytes begin `u` (little-endian, the next four
// bytes of the input; see Impl::fast2) in *lo, and its length; 0 if it is not one. Both tables
// are read and one chosen by the lead byte, so which length comes next is not a branch; a wrong
// or missing continuation byte reads a 0 entry (bytes past the input's end read as 0).
[[gnu::always_inline]] inline uint32_t FastCharOf(const Normalizer::Impl& impl, uint32_t u,
                                                  uint8_t* lo) {
  const bool three = (u & 0xFFu) == 0xE1u;
  const uint8_t lo2 = impl.fast2[u & 0xFFFFu];
  const uint8_t lo3 = impl.fast3[(u >> 8) & 0xFFFFu];
  *lo = three ? lo3 : lo2;
  return *lo != 0 ? 2 + three : 0;
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

}  // namespace

// The fused fast path for ordinary text: ASCII and simple code points (Impl::fast2 and fast3),
// each a segment of its own as long as the next code point cannot join it, with views known
// without decoding a segment. In the exact view such a stretch is the input itself (controls
// aside: they keep their length), a copy stretch needing at most one anchor per call, so it is
// written with one memcpy per block after the loop, which only builds the loose view: ASCII as
// itself, a simple code point as one ASCII byte and a piece (one byte from two or three).
// Controls are replaced in both views after each block, when a check of its bytes finds any.
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
    // The run goes eight bytes per step, all stored, until a byte with its top bit set or
    // `until`, overshooting by at most seven bytes (the +16 slack). kChecked: loads may reach the
    // input's end, where 0x80 stands in for a word's missing bytes and 0 for a letter's (which
    // FastCharOf refuses); without it while every load stays 16 bytes before the end, which is
    // most of a block.
    auto steps = [&]<bool kChecked>(size_t until) {
      while (i < until) {
        uint64_t word = kHigh;
        if (!kChecked || i + 8 <= n) std::memcpy(&word, in + i, 8);
        else std::memcpy(&word, in + i, n - i);
        std::memcpy(tl + sl, &word, 8);
        const uint64_t high = word & kHigh;
        if (high == 0) {
          sl += 8;
          i += 8;
          continue;
        }
        const unsigned tz = static_cast<unsigned>(std::countr_zero(high));
        const size_t take = tz >> 3;
        sl += take;
        i += take;
        // Unchecked, a letter at or past `stop` is taken too: its bytes are in the input.
        if (kChecked && i >= stop) return;
        uint32_t u = 0;
        std::memcpy(&u, in + i, kChecked ? std::min<size_t>(4, n - i) : 4);
        uint8_t lo = 0;
        const uint32_t len = FastCharOf(impl, u, &lo);
        if (len == 0) {
          slow = true;
          return;
        }
        pl[npl++] = ViewPiece{base_offset + i, sl, 1, len};
        tl[sl++] = static_cast<char>(lo);
        // The next step's loads wait for i: advance by the lead byte, which `word` holds (a
        // simple letter's length, 2 or 3, follows from it), not by `len`, whose table load
        // would lengthen that wait.
        i += 2 + (((word >> (tz & 56)) & 0xFF) >= 0xE0);
      }
    };
    steps.template operator()<false>(std::min(stop, n >= 16 ? n - 16 : 0));
    if (!slow) steps.template operator()<true>(stop);
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

}  // namespace dlp::internal
