// The Hyperscan platform the engine compiles its databases for. Hyperscan builds different
// engine variants (its NFA and literal matchers) for the CPU features it is told about, and the
// wider ones are not always the faster: what each architecture chooses lives in x86/ and
// portable/ (chosen by CMake), measured in docs/BENCHMARKS.md.
#ifndef DLP_AGENT_HS_PLATFORM_H_
#define DLP_AGENT_HS_PLATFORM_H_

#include <hs/hs.h>

namespace dlp {

// The platform every engine database is compiled for. `host_features`: the features of this
// CPU as Hyperscan reports them, unchanged (for benchmarks that compare the two).
hs_platform_info_t EngineHsPlatform(bool host_features = false);

}  // namespace dlp

#endif  // DLP_AGENT_HS_PLATFORM_H_
