#include "squeeze.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <optional>

namespace dlp::internal {
namespace {

// One piece of a pattern: a whitespace token (dropped when squeezing), an atom that can only
// match non-whitespace bytes (kept verbatim), or group structure.
struct Token {
  enum Kind { kWs, kAtom, kOpen, kClose, kAlt } kind;
  std::string text;   // verbatim, quantifier included
  unsigned min = 1;   // the quantifier's minimum (1 when unquantified)
  size_t match = 0;   // kOpen: index of its kClose
};

using ByteSet = std::bitset<256>;

ByteSet WsBytes() {
  ByteSet s;
  for (int c = 0; c < 256; ++c)
    if (IsSqueezedOut(static_cast<unsigned char>(c))) s.set(c);
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Parses an escape at p[i] == '\\'. Sets the bytes it matches (as a class member) and its
// length; returns false for escapes this rewriter does not understand (they stay on loose).
bool ParseEscape(std::string_view p, size_t i, ByteSet* set, size_t* len) {
  if (i + 1 >= p.size()) return false;
  const char c = p[i + 1];
  *len = 2;
  set->reset();
  switch (c) {
    case 's': *set = WsBytes(); return true;
    case 'S': *set = ~WsBytes(); return true;
    case 'd': for (int d = '0'; d <= '9'; ++d) set->set(d); return true;
    case 'w':
      for (int k = 0; k < 256; ++k)
        if (std::isalnum(k) || k == '_') set->set(k);
      return true;
    case 't': set->set('\t'); return true;
    case 'n': set->set('\n'); return true;
    case 'r': set->set('\r'); return true;
    case 'f': set->set('\f'); return true;
    case 'v': return false;  // \v is a class of vertical space in Hyperscan, not one byte
    case 'x': {
      if (i + 3 >= p.size()) return false;
      int hi = HexDigit(p[i + 2]), lo = HexDigit(p[i + 3]);
      if (hi < 0 || lo < 0) return false;
      set->set(hi * 16 + lo);
      *len = 4;
      return true;
    }
    default:
      if (std::isalnum(static_cast<unsigned char>(c))) return false;  // \b, \p, \1, \Q ...
      set->set(static_cast<unsigned char>(c));
      return true;
  }
}

// Parses a class at p[i] == '['; returns its bytes, or nothing if it is not understood.
std::optional<ByteSet> ParseClass(std::string_view p, size_t i, size_t* len) {
  size_t j = i + 1;
  bool negated = j < p.size() && p[j] == '^';
  if (negated) ++j;
  ByteSet set;
  bool first = true;
  while (j < p.size() && (p[j] != ']' || first)) {
    first = false;
    if (p[j] == '[') return std::nullopt;  // POSIX classes like [:space:]
    ByteSet one;
    size_t n = 1;
    int single = -1;
    if (p[j] == '\\') {
      if (!ParseEscape(p, j, &one, &n)) return std::nullopt;
      if (one.count() == 1)
        for (int k = 0; k < 256; ++k)
          if (one.test(k)) single = k;
    } else {
      single = static_cast<unsigned char>(p[j]);
      one.set(single);
    }
    j += n;
    if (single >= 0 && j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      ByteSet hi;
      size_t m = 1;
      int top = -1;
      if (p[j + 1] == '\\') {
        if (!ParseEscape(p, j + 1, &hi, &m) || hi.count() != 1) return std::nullopt;
        for (int k = 0; k < 256; ++k)
          if (hi.test(k)) top = k;
      } else {
        top = static_cast<unsigned char>(p[j + 1]);
      }
      if (top < single) return std::nullopt;
      for (int k = single; k <= top; ++k) one.set(k);
      j += 1 + m;
    }
    set |= one;
  }
  if (j >= p.size()) return std::nullopt;
  *len = j + 1 - i;
  return negated ? ~set : set;
}

// Parses a quantifier at p[i], if any: its length and minimum.
bool ParseQuantifier(std::string_view p, size_t i, size_t* len, unsigned* min) {
  if (i >= p.size()) return false;
  size_t j = i;
  if (p[j] == '?' || p[j] == '*') {
    *min = 0;
    ++j;
  } else if (p[j] == '+') {
    *min = 1;
    ++j;
  } else if (p[j] == '{') {
    size_t k = j + 1;
    unsigned m = 0;
    bool digits = false;
    while (k < p.size() && std::isdigit(static_cast<unsigned char>(p[k]))) {
      m = m * 10 + static_cast<unsigned>(p[k] - '0');
      digits = true;
      ++k;
    }
    if (!digits) return false;
    if (k < p.size() && p[k] == ',') {
      ++k;
      while (k < p.size() && std::isdigit(static_cast<unsigned char>(p[k]))) ++k;
    }
    if (k >= p.size() || p[k] != '}') return false;
    *min = m;
    j = k + 1;
  } else {
    return false;
  }
  if (j < p.size() && (p[j] == '?' || p[j] == '+')) ++j;  // lazy / possessive
  *len = j - i;
  return true;
}

bool Tokenize(std::string_view p, std::vector<Token>* out) {
  std::vector<size_t> open;
  const ByteSet ws = WsBytes();
  for (size_t i = 0; i < p.size();) {
    Token t{Token::kAtom, "", 1, 0};
    size_t len = 1;
    const char c = p[i];
    if (c == '(') {
      if (p.substr(i, 3) == "(?:") len = 3;
      else if (i + 1 < p.size() && p[i + 1] == '?') return false;  // flags, look-arounds
      t.kind = Token::kOpen;
      open.push_back(out->size());
    } else if (c == ')') {
      if (open.empty()) return false;
      t.kind = Token::kClose;
      (*out)[open.back()].match = out->size();
      open.pop_back();
    } else if (c == '|') {
      t.kind = Token::kAlt;
    } else if (c == '.' || c == '^' || c == '$' || c == '?' || c == '*' || c == '+' ||
               c == '{') {
      return false;  // any byte, anchors, or a quantifier with nothing before it
    } else if (c == '[') {
      auto set = ParseClass(p, i, &len);
      if (!set || (*set & ws).any()) return false;
    } else if (c == '\\') {
      ByteSet set;
      if (!ParseEscape(p, i, &set, &len)) return false;
      if (set == ws) t.kind = Token::kWs;
      else if ((set & ws).any()) return false;
    } else if (ws.test(static_cast<unsigned char>(c))) {
      return false;  // a literal space is part of the pattern's meaning, not a gap
    }
    t.text = std::string(p.substr(i, len));
    i += len;
    size_t qlen = 0;
    unsigned qmin = 1;
    if (t.kind != Token::kOpen && t.kind != Token::kAlt && ParseQuantifier(p, i, &qlen, &qmin)) {
      t.text += p.substr(i, qlen);
      t.min = qmin;
      i += qlen;
    }
    out->push_back(std::move(t));
  }
  return open.empty();
}

bool Mandatory(const std::vector<Token>& t, size_t k);

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
  if (t[k].kind == Token::kAtom) return t[k].min > 0;
  if (t[k].kind == Token::kOpen) return GroupStartsMandatory(t, k);
  return false;
}

// Whether the whitespace token t[k] is always followed, in its own branch, by a byte that
// survives squeezing (skipping other gaps and optional atoms).
bool FollowedByMandatory(const std::vector<Token>& t, size_t k) {
  for (size_t j = k + 1; j < t.size(); ++j) {
    if (t[j].kind == Token::kWs || (t[j].kind == Token::kAtom && t[j].min == 0)) continue;
    return Mandatory(t, j);
  }
  return false;
}

}  // namespace

bool SqueezePattern(std::string_view pattern, std::string* out) {
  std::vector<Token> tokens;
  if (!Tokenize(pattern, &tokens)) return false;
  bool dropped = false;
  out->clear();
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind != Token::kWs) {
      *out += tokens[k].text;
      continue;
    }
    if (!FollowedByMandatory(tokens, k)) return false;
    dropped = true;
  }
  // A branch or group left empty would change what the pattern means.
  for (std::string_view bad : {"()", "(?:)", "(|", "(?:|", "||", "|)"})
    if (out->find(bad) != std::string::npos) return false;
  return dropped && !out->empty() && out->front() != '|' && out->back() != '|';
}

namespace {
// 1 for bytes that survive squeezing: a table load keeps the copy loop free of branches.
constexpr std::array<uint8_t, 256> kKept = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = !IsSqueezedOut(static_cast<unsigned char>(c));
  return t;
}();
}  // namespace

void SqueezedChunk::Build(std::string_view loose) {
  loose_ = loose;
  text_.resize(loose.size());
  block_start_.clear();
  char* o = text_.data();
  size_t j = 0;
  for (size_t b = 0; b < loose.size(); b += kBlock) {
    block_start_.push_back(static_cast<uint32_t>(j));
    const size_t e = std::min(loose.size(), b + kBlock);
    for (size_t i = b; i < e; ++i) {  // branch-free: whitespace is every fifth byte or so
      const unsigned char c = static_cast<unsigned char>(loose[i]);
      o[j] = static_cast<char>(c);
      j += kKept[c];
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
  uint32_t seen = block_start_[k];
  for (size_t i = k * kBlock; i < loose_.size(); ++i) {
    if (IsSqueezedOut(static_cast<unsigned char>(loose_[i]))) continue;
    if (seen == q) return i + 1;
    ++seen;
  }
  return loose_.size();  // unreachable for a valid end
}

}  // namespace dlp::internal
