// SSSE3: sixteen bytes at a time, whitespace found by two compares, and each half's kept bytes
// moved to its front by one shuffle from a table indexed by the half's whitespace mask. About
// 1.3 instructions per byte against 4.5 for the scalar loop. Debian's x86-64 baseline has no
// SSSE3, so the function is compiled for it alone and chosen at run time.
#include <immintrin.h>

#include "squeeze_blocks.h"

namespace dlp::internal {
namespace {

// For each 8-bit mask of squeezed-out bytes, the indices of the kept bytes in order (then
// 0x80, which makes the shuffle write a zero; those bytes are overwritten or cut off).
constexpr std::array<std::array<uint8_t, 8>, 256> kShuffle = [] {
  std::array<std::array<uint8_t, 8>, 256> t{};
  for (int m = 0; m < 256; ++m) {
    int k = 0;
    for (int b = 0; b < 8; ++b)
      if (!((m >> b) & 1)) t[m][k++] = static_cast<uint8_t>(b);
    while (k < 8) t[m][k++] = 0x80;
  }
  return t;
}();

__attribute__((target("ssse3,popcnt"))) size_t SqueezeSsse3(const unsigned char* in,
                                                             size_t blocks, char* out,
                                                             uint32_t* starts, size_t j) {
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), four = _mm_set1_epi8(4),
                eight = _mm_set1_epi8(8), zero = _mm_setzero_si128();
  for (size_t b = 0; b < blocks; ++b, in += kSqueezeBlock) {
    starts[b] = static_cast<uint32_t>(j);
    for (size_t i = 0; i < kSqueezeBlock; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
      // ' ' or '\t'..'\r' (IsSqueezedOut): v - '\t' <= 4 as unsigned bytes.
      const __m128i ctl = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(v, tab), four), zero);
      const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, space), ctl)));
      const unsigned lo = m & 0xFF, hi = m >> 8;
      const __m128i s0 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kShuffle[lo].data()));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + j), _mm_shuffle_epi8(v, s0));
      j += 8 - static_cast<size_t>(__builtin_popcount(lo));
      const __m128i s1 = _mm_add_epi8(
          _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kShuffle[hi].data())), eight);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + j), _mm_shuffle_epi8(v, s1));
      j += 8 - static_cast<size_t>(__builtin_popcount(hi));
    }
  }
  return j;
}

}  // namespace

size_t SqueezeBlocks(const unsigned char* in, size_t blocks, char* out, uint32_t* starts,
                     size_t j) {
  static const bool have_ssse3 =
      __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt");
  return have_ssse3 ? SqueezeSsse3(in, blocks, out, starts, j)
                    : SqueezeBlocksScalar(in, blocks, out, starts, j);
}

}  // namespace dlp::internal
