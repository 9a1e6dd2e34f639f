// The inner loop of SqueezedChunk::Build: whole 64-byte blocks of the loose view copied without
// their whitespace. It is a fifth of the squeezed view's cost and the one part of it that vector
// instructions shorten, so it has one implementation per architecture (x86/, portable/), chosen
// by CMake; all of them give the same bytes as SqueezeBlocksScalar.
#ifndef DLP_AGENT_SQUEEZE_BLOCKS_H_
#define DLP_AGENT_SQUEEZE_BLOCKS_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "squeeze.h"

namespace dlp::internal {

inline constexpr size_t kSqueezeBlock = 64;
// Bytes an implementation may write past the last kept byte (the buffer must have them).
inline constexpr size_t kSqueezeSlack = 16;

// 1 for bytes that survive squeezing: a table load keeps the copy loop free of branches.
inline constexpr std::array<uint8_t, 256> kSqueezeKept = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = !IsSqueezedOut(static_cast<unsigned char>(c));
  return t;
}();

// Copies `blocks` blocks of kSqueezeBlock bytes from `in` to `out` + j, leaving out whitespace,
// records in starts[k] the output position at which block k began, and returns the new j.
// Branch-free (whitespace is every fifth byte or so): every byte is stored, and the output
// position advances only past kept ones.
inline size_t SqueezeBlocksScalar(const unsigned char* in, size_t blocks, char* out,
                                  uint32_t* starts, size_t j) {
  for (size_t b = 0; b < blocks; ++b, in += kSqueezeBlock) {
    starts[b] = static_cast<uint32_t>(j);
    for (size_t i = 0; i < kSqueezeBlock; i += 8) {
      for (size_t k = 0; k < 8; ++k) {
        out[j] = static_cast<char>(in[i + k]);
        j += kSqueezeKept[in[i + k]];
      }
    }
  }
  return j;
}

// The architecture's implementation (x86/: SSSE3 when the CPU has it).
size_t SqueezeBlocks(const unsigned char* in, size_t blocks, char* out, uint32_t* starts, size_t j);

}  // namespace dlp::internal

#endif  // DLP_AGENT_SQUEEZE_BLOCKS_H_
