#include "view_dbs.h"

#include "engine_internal.h"  // PlaceStreamPattern: the engine's split of patterns (agent/src)
#include "gate_literals.h"    // rules searched around their phrases (agent/src)
#include "hs_platform.h"      // the platform the engine compiles for (agent/src)

namespace dlp::bench {

void SplitPatterns(const RulePack& pack, int skip, ViewPatterns out[kDbCount]) {
  for (size_t r = 0; r < pack.rules.size(); ++r) {
    if (static_cast<int>(r) == skip) continue;
    const Rule& rule = pack.rules[r];
    if (internal::IsGated(rule)) {  // its phrases stand for it, caseless, squeezed
      for (auto& lit : internal::GateLiterals(rule, true)) {
        out[kSqueezed].exprs.push_back(lit.expression);
        out[kSqueezed].flags.push_back(HS_FLAG_CASELESS);
      }
      continue;
    }
    for (const auto& p : rule.patterns) {
      std::string expression = p;
      unsigned flags = rule.caseless ? HS_FLAG_CASELESS : 0;
      const int d = PlaceStreamPattern(rule, true, &expression, &flags);  // as Engine::Create
      out[d].exprs.push_back(std::move(expression));
      out[d].flags.push_back(flags);
    }
  }
}

bool CompileStream(const ViewPatterns& p, hs_database_t** db, bool host_features) {
  if (p.exprs.empty()) return false;
  std::vector<const char*> ptrs;
  std::vector<unsigned> ids;
  for (const auto& e : p.exprs) {
    ptrs.push_back(e.c_str());
    ids.push_back(static_cast<unsigned>(ids.size()));
  }
  hs_compile_error_t* err = nullptr;
  const hs_platform_info_t plat = EngineHsPlatform(host_features);
  if (hs_compile_multi(ptrs.data(), p.flags.data(), ids.data(), static_cast<unsigned>(ptrs.size()),
                       HS_MODE_STREAM, &plat, db, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return false;
  }
  return true;
}

int CountHit(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

}  // namespace dlp::bench
