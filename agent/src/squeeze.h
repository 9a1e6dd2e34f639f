// The squeezed loose view: the loose view with every whitespace byte removed, used only to find
// where keyword-like patterns may END, so that Hyperscan sees them as plain literals.
//
// Why: a keyword such as "chẩn đoán" is compiled to `chan\s{1,4}doan`, and a stamp typed with
// spaced letters needs `T\s{0,4}O\s{0,4}I...`. Hyperscan cannot use such gapped patterns as
// literals, and the 70 of them in the default bundle cost two thirds of the loose database's
// scan time. With whitespace removed they are literals ("chandoan", "TOIMAT"), which its literal
// matchers handle many times faster. A squeezed match is only a candidate: its end is mapped back
// to the loose view and the rule's own confirm database (the original pattern, with start of
// match) decides, as for any other hit. So the squeezed pattern only has to match a superset:
// every loose match, with its whitespace removed, must be a squeezed match ending on the same
// last byte.
#ifndef DLP_AGENT_SQUEEZE_H_
#define DLP_AGENT_SQUEEZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlp::internal {

// The bytes removed by squeezing: everything Hyperscan's `\s` can match (and a little more,
// which only widens the superset).
constexpr bool IsSqueezedOut(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Rewrites a Hyperscan pattern for the squeezed view, if that is sound and worth it: every
// whitespace token (`\s`, a literal space, `\t`... with any quantifier) is dropped; any other
// part that can match whitespace ('.', `[^{}]`, `[ .-]`) becomes a class of its other bytes with
// its minimum lowered to 0 (a loose match keeps, squeezed, as many of its bytes or fewer); each
// of these must be followed by something that has to match a non-whitespace byte, so that no
// loose match ends in whitespace (its end would not survive the squeeze); no anchors or
// look-arounds; and at least one `\s` gap must be dropped: keyword-like patterns come here,
// while numbers with optional separators, glued together once squeezed, match more and scan
// slower there (docs/BENCHMARKS.md, session 9).
// Returns false, leaving *out unspecified, when the pattern must stay on the loose view.
// The caller must still check with Hyperscan that the result compiles and cannot match empty.
bool SqueezePattern(std::string_view pattern, std::string* out);

// A squeezed keyword (a literal of ASCII letters) narrowed to the case its rule requires
// (rule_pack.h CaseRule), for a database compiled case-sensitively: `upper_only` (kUpper) the
// keyword in capitals; otherwise (kNotLower) every form with at least one capital, as an
// alternation on where the first capital is, the letters after it caseless. Both are supersets
// of what passes the rule's case check, which still decides. Why: "mật" is among the most
// common syllables of Vietnamese, and the MẬT stamp's keyword "MAT", caseless, hit ~750 times per
// MiB of ordinary prose only for each hit to fail that check. False for anything else.
bool NarrowKeywordCase(std::string_view literal, bool upper_only, std::string* out);

// One chunk of the loose view, squeezed, with what is needed to map a squeezed end back.
class SqueezedChunk {
 public:
  // Replaces the contents with `loose` squeezed.
  void Build(std::string_view loose);
  const std::string& text() const { return text_; }
  // The loose end (offset in the chunk just past a byte) of the squeezed end `end` (0 < end <=
  // text().size()): the position just after the loose byte that became squeezed byte end - 1.
  size_t LooseEnd(size_t end) const;

 private:
  static constexpr size_t kBlock = 64;  // kSqueezeBlock (squeeze_blocks.h)
  std::string_view loose_;
  std::string text_;
  std::vector<uint32_t> block_start_;  // squeezed bytes before loose offset kBlock * k
};

}  // namespace dlp::internal

#endif  // DLP_AGENT_SQUEEZE_H_
