// The bytes a match of a pattern can begin with (private to the engine).
//
// Used to skip start positions when a rule is confirmed with '^'-anchored scans (AnchoredSpans):
// a start whose byte cannot begin a match needs no scan. The answer must never be too small, so
// anything the small parser below does not fully understand (Unicode properties, flags groups,
// back-references, \Q...\E) gives "every byte", and so does a pattern that can match the empty
// string.
#ifndef DLP_AGENT_SRC_FIRST_BYTES_H_
#define DLP_AGENT_SRC_FIRST_BYTES_H_

#include <bitset>
#include <string_view>

namespace dlp::internal {

// The first bytes of the non-empty matches of `pattern` (Hyperscan syntax, byte mode, no UTF-8
// flag), a superset; `caseless` adds the other case of ASCII letters.
std::bitset<256> FirstBytes(std::string_view pattern, bool caseless);

}  // namespace dlp::internal

#endif  // DLP_AGENT_SRC_FIRST_BYTES_H_
