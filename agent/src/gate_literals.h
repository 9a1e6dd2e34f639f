// The literals that stand for a `require_first` rule in the loose view's database
// (EngineOptions::gate_required_context): its require phrases, found before its patterns.
#ifndef DLP_AGENT_GATE_LITERALS_H_
#define DLP_AGENT_GATE_LITERALS_H_

#include <string>
#include <vector>

#include "dlp/rule_pack.h"

namespace dlp::internal {

// True if the engine searches `r` around its phrases: `require_first` on a loose rule (the
// loader refuses it elsewhere; Engine::Create refuses it on rules whose starts it cannot track).
bool IsGated(const Rule& r);
// A gated rule's phrases as Hyperscan literals (every byte escaped, to be compiled caseless).
// ScoreContext finds a phrase in the lower-cased window, where the match itself is replaced by
// " \x01 ", so a phrase's outer spaces may come from that gap rather than the text: they are
// left out, which only makes the literal match more often.
std::vector<std::string> GateLiterals(const Rule& r);
// The length in view bytes of a GateLiterals expression.
size_t GateLiteralLength(const std::string& expression);

}  // namespace dlp::internal

#endif  // DLP_AGENT_GATE_LITERALS_H_
