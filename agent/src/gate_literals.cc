#include "gate_literals.h"

#include <cstdio>

#include "squeeze.h"

namespace dlp::internal {

bool IsGated(const Rule& r) { return r.context.require_first && r.view == ViewKind::kLoose; }

std::vector<GateLiteral> GateLiterals(const Rule& r, bool squeezed) {
  std::vector<GateLiteral> out;
  for (const auto& phrase : r.context.require) {
    const size_t b = phrase.find_first_not_of(' '), e = phrase.find_last_not_of(' ');
    if (b == std::string::npos) continue;  // the loader refuses these
    std::string lit;
    for (size_t k = b; k <= e; ++k) {
      const auto c = static_cast<unsigned char>(phrase[k]);
      if (squeezed && IsSqueezedOut(c)) continue;
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      lit += hex;
    }
    out.push_back({std::move(lit), static_cast<uint32_t>(e + 1 - b)});
  }
  return out;
}

}  // namespace dlp::internal
