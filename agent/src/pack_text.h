// Text helpers shared by the pack loader and the engine: turning an officer's keyword into a
// pattern and folding phrases into the loose form the matcher sees.
#ifndef DLP_AGENT_PACK_TEXT_H_
#define DLP_AGENT_PACK_TEXT_H_

#include <string>
#include <string_view>

#include "dlp/normalizer.h"

namespace dlp {

// The loose view of `s` ("Số tài khoản" -> "So tai khoan").
std::string LooseForm(const Normalizer& norm, std::string_view s);
// The loose view, ASCII-lower-cased ("Số tài khoản" -> "so tai khoan").
std::string LooseLower(const Normalizer& norm, std::string_view s);
// A Hyperscan pattern matching `keyword` literally; spaces match any run of whitespace.
// With `spaced_letters`, any whitespace (or none) may also stand between letters, so that
// "T O I  M A T" and a stamp broken over two lines still match.
std::string KeywordToPattern(std::string_view keyword, bool spaced_letters);
// True for the finding types of the documented vocabulary (rules/FORMAT.md).
bool IsKnownFindingType(std::string_view type);

}  // namespace dlp

#endif  // DLP_AGENT_PACK_TEXT_H_
