// x86: the engine's databases are compiled without Hyperscan's AVX2 and AVX-512 engine variants.
// Measured on the AMD EPYC machines this agent is benchmarked on (docs/BENCHMARKS.md, session 7):
// the default bundle's loose-view database scans 15-20 % faster built for the baseline (SSE)
// variants than for the CPU's AVX2 / AVX-512 ones (18.5 against 21.5 ms for 12.5 MB of loose
// view, at every tune setting), end to end +4-6 %; the exact and squeezed databases are the same
// either way. A baseline database also runs on every x86-64 CPU, so a compiled-database cache
// copied to an older machine stays valid. `dlp-bench` prints both figures ("scan only"), so a
// machine where the wide variants win shows it.
#include "hs_platform.h"

namespace dlp {

hs_platform_info_t EngineHsPlatform(bool host_features) {
  hs_platform_info_t plat{};
  if (hs_populate_platform(&plat) != HS_SUCCESS) plat = hs_platform_info_t{};
  if (!host_features)
    plat.cpu_features &= ~static_cast<unsigned long long>(HS_CPU_FEATURES_AVX2 |
                                                          HS_CPU_FEATURES_AVX512 |
                                                          HS_CPU_FEATURES_AVX512VBMI);
  return plat;
}

}  // namespace dlp
