// Other architectures (Vectorscan): the host's platform as the library reports it; nothing has
// been measured there that would argue for another choice.
#include "hs_platform.h"

namespace dlp {

hs_platform_info_t EngineHsPlatform(bool) {
  hs_platform_info_t plat{};
  if (hs_populate_platform(&plat) != HS_SUCCESS) plat = hs_platform_info_t{};
  return plat;
}

}  // namespace dlp
