// A small reader of Hyperscan pattern syntax, for the rewrites the engine makes of a rule's
// patterns: the squeezed form of keyword-like patterns (squeeze.h) and the reversed form that
// finds where an anchored-confirm match starts (ReversePattern below).
//
// It understands the subset the rule packs use (literals, escapes, classes, groups,
// alternation, quantifiers) and refuses everything else, in which case the caller keeps the
// pattern as it is: a refusal costs speed, never a finding.
#ifndef DLP_AGENT_PATTERN_TOKENS_H_
#define DLP_AGENT_PATTERN_TOKENS_H_

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace dlp::internal {

using ByteSet = std::bitset<256>;

struct PatternToken {
  enum Kind { kAtom, kOpen, kClose, kAlt } kind = kAtom;
  std::string text;        // verbatim: one byte, an escape, a class, "(" / "(?:", ")" or "|"
  std::string quantifier;  // verbatim ("" when none); only atoms and kClose carry one
  unsigned min = 1;        // the quantifier's minimum (1 when there is none)
  ByteSet bytes;           // kAtom: every byte it can match
  size_t match = 0;        // kOpen: index of its kClose; kClose: index of its kOpen
};

// The bytes Hyperscan's `\s` matches.
ByteSet WhitespaceBytes();

// Splits `pattern` into tokens. Returns false for anything outside the understood subset:
// anchors and assertions (^ $ \b \B \A \z...), look-arounds, inline flags, back-references,
// \Q...\E, POSIX classes, \x{...}, unbalanced groups.
bool TokenizePattern(std::string_view pattern, std::vector<PatternToken>* out);

// The pattern that matches the reversed bytes of every match of `pattern` (byte semantics, as
// the engine compiles without HS_FLAG_UTF8). Scanned anchored over text read backwards from a
// known end, it reports every start of a match ending there. False if `pattern` is outside the
// understood subset.
bool ReversePattern(std::string_view pattern, std::string* out);

}  // namespace dlp::internal

#endif  // DLP_AGENT_PATTERN_TOKENS_H_
