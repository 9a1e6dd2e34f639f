#include "gate_literals.h"

#include <cstdio>

namespace dlp::internal {

bool IsGated(const Rule& r) { return r.context.require_first && r.view == ViewKind::kLoose; }

std::vector<std::string> GateLiterals(const Rule& r) {
  std::vector<std::string> out;
  for (const auto& phrase : r.context.require) {
    const size_t b = phrase.find_first_not_of(' '), e = phrase.find_last_not_of(' ');
    if (b == std::string::npos) continue;  // the loader refuses these
    std::string lit;
    for (size_t k = b; k <= e; ++k) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(phrase[k]));
      lit += hex;
    }
    out.push_back(std::move(lit));
  }
  return out;
}

size_t GateLiteralLength(const std::string& expression) { return expression.size() / 4; }

}  // namespace dlp::internal
