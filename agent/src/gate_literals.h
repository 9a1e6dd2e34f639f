// The literals that stand for a `require_first` rule in the view databases
// (EngineOptions::gate_required_context): its require phrases, found before its patterns.
#ifndef DLP_AGENT_GATE_LITERALS_H_
#define DLP_AGENT_GATE_LITERALS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "dlp/rule_pack.h"

namespace dlp::internal {

struct GateLiteral {
  std::string expression;  // every byte escaped; compiled caseless
  uint32_t length;         // the phrase's length in the loose view
};

// True if the engine searches `r` around its phrases: `require_first` on a loose rule (the
// loader refuses it elsewhere; Engine::Create refuses it on rules whose starts it cannot track).
bool IsGated(const Rule& r);
// A gated rule's phrases as Hyperscan literals. ScoreContext finds a phrase in the lower-cased
// window, where the match itself is replaced by " \x01 ", so a phrase's outer spaces may come
// from that gap rather than the text: they are left out, which only makes the literal match
// more often. `squeezed`: for the squeezed loose view (squeeze.h), so without the spaces inside
// either; that too matches wherever the phrase does (and where it has extra spaces). Literals
// cost Hyperscan less among the squeezed view's keywords than among the loose view's classes.
std::vector<GateLiteral> GateLiterals(const Rule& r, bool squeezed);

}  // namespace dlp::internal

#endif  // DLP_AGENT_GATE_LITERALS_H_
