#include "squeeze.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "pattern_tokens.h"
#include "squeeze_blocks.h"

namespace dlp::internal {
namespace {

using Token = PatternToken;

bool Mandatory(const std::vector<Token>& t, size_t k);

// Whether an atom can match a byte that squeezing removes.
bool MayBeWhitespace(const Token& t) { return (t.bytes & WhitespaceBytes()).any(); }

// Whether every branch of the group opened at t[k] begins with something that must match.
bool GroupStartsMandatory(const std::vector<Token>& t, size_t k) {
  if (t[t[k].match].min == 0) return false;
  size_t branch = k + 1;
  while (true) {
    if (branch >= t[k].match || !Mandatory(t, branch)) return false;
    size_t j = branch;
    int depth = 0;
    while (j < t[k].match && !(depth == 0 && t[j].kind == Token::kAlt)) {
      if (t[j].kind == Token::kOpen) ++depth;
      if (t[j].kind == Token::kClose) --depth;
      ++j;
    }
    if (j >= t[k].match) return true;
    branch = j + 1;
  }
}

// Whether t[k] must match at least one non-whitespace byte.
bool Mandatory(const std::vector<Token>& t, size_t k) {
  if (t[k].kind == Token::kAtom) return t[k].min > 0 && !MayBeWhitespace(t[k]);
  if (t[k].kind == Token::kOpen) return GroupStartsMandatory(t, k);
  return false;
}

// Whether the atom t[k], which may match whitespace, is always followed, in its own branch, by
// a byte that survives squeezing (skipping other atoms that may match nothing or whitespace).
bool FollowedByMandatory(const std::vector<Token>& t, size_t k) {
  for (size_t j = k + 1; j < t.size(); ++j) {
    if (t[j].kind == Token::kAtom && (t[j].min == 0 || MayBeWhitespace(t[j]))) continue;
    return Mandatory(t, j);
  }
  return false;
}

// The quantifier `q` (as written) with its minimum lowered to 0, or "" if it is not one this
// knows (lazy and possessive forms stay on the loose view).
std::string OptionalQuantifier(const std::string& q) {
  if (q.empty() || q == "?") return "?";
  if (q == "*" || q == "+") return "*";
  if (q.size() < 3 || q.front() != '{' || q.back() != '}') return "";
  const size_t comma = q.find(',');
  if (comma == std::string::npos) return "{0," + q.substr(1);          // {m} -> {0,m}
  if (comma + 2 == q.size()) return "*";                                 // {m,} -> *
  return "{0," + q.substr(comma + 1);                                    // {m,n} -> {0,n}
}

// A class of exactly the bytes in `set` (not empty), as \xHH ranges.
std::string ClassOf(const ByteSet& set) {
  std::string out = "[";
  char buf[16];
  for (int lo = 0; lo < 256; ++lo) {
    if (!set.test(lo)) continue;
    int hi = lo;
    while (hi + 1 < 256 && set.test(hi + 1)) ++hi;
    if (hi == lo) std::snprintf(buf, sizeof buf, "\\x%02x", lo);
    else std::snprintf(buf, sizeof buf, "\\x%02x-\\x%02x", lo, hi);
    out += buf;
    lo = hi;
  }
  return out + "]";
}

}  // namespace

bool SqueezePattern(std::string_view pattern, std::string* out) {
  std::vector<Token> tokens;
  if (!TokenizePattern(pattern, &tokens)) return false;
  const ByteSet ws = WhitespaceBytes();
  bool dropped = false;
  out->clear();
  for (size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    if (t.kind != Token::kAtom || !MayBeWhitespace(t)) {
      *out += t.text + t.quantifier;
      continue;
    }
    // An atom that may match whitespace, which the squeezed text no longer has. Whatever bytes
    // it matched in a loose match, those that survive squeezing are some of its other bytes, as
    // many or fewer: it becomes a class of its other bytes with no minimum, or nothing if it
    // matches only whitespace (a gap, the reason a pattern comes here). Either way a loose match
    // must not end on it, or its end would not survive the squeeze.
    if (!FollowedByMandatory(tokens, k)) return false;
    const ByteSet rest = t.bytes & ~ws;
    if (rest.none()) {
      dropped |= t.text == "\\s";
      continue;
    }
    const std::string q = t.min == 0 ? t.quantifier : OptionalQuantifier(t.quantifier);
    if (q.empty()) return false;
    *out += ClassOf(rest) + q;
  }
  // A branch or group left empty would change what the pattern means.
  for (std::string_view bad : {"()", "(?:)", "(|", "(?:|", "||", "|)"})
    if (out->find(bad) != std::string::npos) return false;
  // Only patterns with a gap (`\s`) come here: the rest (numbers with optional separators, say)
  // match more often once words are glued together and scan slower squeezed (BENCHMARKS.md).
  return dropped && !out->empty() && out->front() != '|' && out->back() != '|';
}

bool NarrowKeywordCase(std::string_view literal, bool upper_only, std::string* out) {
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  if (literal.empty() || !std::all_of(literal.begin(), literal.end(), letter)) return false;
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  auto upper = [](unsigned char c) { return static_cast<char>(std::toupper(c)); };
  out->clear();
  if (upper_only) {
    for (char c : literal) *out += upper(c);
    return true;
  }
  *out = "(?:";
  for (size_t i = 0; i < literal.size(); ++i) {  // the first capital at i
    if (i > 0) *out += '|';
    for (size_t k = 0; k < i; ++k) *out += lower(literal[k]);
    *out += upper(literal[i]);
    if (i + 1 < literal.size()) *out += "(?i:" + std::string(literal.substr(i + 1)) + ")";
  }
  *out += ")";
  return true;
}

void SqueezedChunk::Build(std::string_view loose) {
  static_assert(kBlock == kSqueezeBlock);
  loose_ = loose;
  text_.resize(loose.size() + kSqueezeSlack);
  block_start_.resize((loose.size() + kBlock - 1) / kBlock);
  const unsigned char* in = reinterpret_cast<const unsigned char*>(loose.data());
  char* o = text_.data();
  const size_t blocks = loose.size() / kBlock;
  size_t j = SqueezeBlocks(in, blocks, o, block_start_.data(), 0);
  const size_t b = blocks * kBlock;
  if (b < loose.size()) {
    block_start_[blocks] = static_cast<uint32_t>(j);
    for (size_t i = b; i < loose.size(); ++i) {
      o[j] = static_cast<char>(in[i]);
      j += kSqueezeKept[in[i]];
    }
  }
  text_.resize(j);
}

size_t SqueezedChunk::LooseEnd(size_t end) const {
  const uint32_t q = static_cast<uint32_t>(end - 1);
  // The last block starting at or before q holds squeezed byte q (blocks of only whitespace
  // start where the next one does, and upper_bound skips past them).
  size_t k = static_cast<size_t>(std::upper_bound(block_start_.begin(), block_start_.end(), q) -
                                 block_start_.begin()) - 1;
  // Kept bytes still to pass, counted down without a branch on each byte's kind (whitespace is
  // every fifth byte or so, which the branch predictor cannot guess): the one branch is taken
  // once.
  uint32_t need = q - block_start_[k] + 1;
  const auto* in = reinterpret_cast<const unsigned char*>(loose_.data());
  for (size_t i = k * kBlock; i < loose_.size(); ++i) {
    need -= kSqueezeKept[in[i]];
    if (need == 0) return i + 1;
  }
  return loose_.size();  // unreachable for a valid end
}

}  // namespace dlp::internal
