#include "squeeze_blocks.h"

namespace dlp::internal {

size_t SqueezeBlocks(const unsigned char* in, size_t blocks, char* out, uint32_t* starts,
                     size_t j) {
  return SqueezeBlocksScalar(in, blocks, out, starts, j);
}

}  // namespace dlp::internal
