#include "pattern_tokens.h"

#include <cctype>
#include <initializer_list>
#include <optional>

namespace dlp::internal {
namespace {

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
    case 's': *set = WhitespaceBytes(); return true;
    case 'S': *set = ~WhitespaceBytes(); return true;
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

}  // namespace

ByteSet WhitespaceBytes() {
  ByteSet s;
  for (int c : {'\t', '\n', '\v', '\f', '\r', ' '}) s.set(c);
  return s;
}

bool TokenizePattern(std::string_view p, std::vector<PatternToken>* out) {
  out->clear();
  std::vector<size_t> open;
  for (size_t i = 0; i < p.size();) {
    PatternToken t;
    size_t len = 1;
    const char c = p[i];
    if (c == '(') {
      if (p.substr(i, 3) == "(?:") len = 3;
      else if (i + 1 < p.size() && p[i + 1] == '?') return false;  // flags, look-arounds
      t.kind = PatternToken::kOpen;
      open.push_back(out->size());
    } else if (c == ')') {
      if (open.empty()) return false;
      t.kind = PatternToken::kClose;
      t.match = open.back();
      (*out)[open.back()].match = out->size();
      open.pop_back();
    } else if (c == '|') {
      t.kind = PatternToken::kAlt;
    } else if (c == '^' || c == '$' || c == '?' || c == '*' || c == '+' || c == '{') {
      return false;  // anchors, or a quantifier with nothing before it
    } else if (c == '.') {
      t.bytes.set();
      t.bytes.reset('\n');  // no HS_FLAG_DOTALL
    } else if (c == '[') {
      auto set = ParseClass(p, i, &len);
      if (!set) return false;
      t.bytes = *set;
    } else if (c == '\\') {
      if (!ParseEscape(p, i, &t.bytes, &len)) return false;
    } else {
      t.bytes.set(static_cast<unsigned char>(c));
    }
    t.text = std::string(p.substr(i, len));
    i += len;
    size_t qlen = 0;
    if ((t.kind == PatternToken::kAtom || t.kind == PatternToken::kClose) &&
        ParseQuantifier(p, i, &qlen, &t.min)) {
      t.quantifier = std::string(p.substr(i, qlen));
      i += qlen;
    }
    out->push_back(std::move(t));
  }
  return open.empty();
}

namespace {

// Appends the reverse of tokens [begin, end) (one nesting level: branches keep their order,
// the items of each branch are reversed, groups are reversed inside).
void AppendReversed(const std::vector<PatternToken>& t, size_t begin, size_t end,
                    std::string* out) {
  size_t branch = begin;
  while (true) {
    size_t branch_end = branch;
    std::vector<std::pair<size_t, size_t>> items;  // [first, last] token of each item
    while (branch_end < end && t[branch_end].kind != PatternToken::kAlt) {
      size_t last = t[branch_end].kind == PatternToken::kOpen ? t[branch_end].match : branch_end;
      items.push_back({branch_end, last});
      branch_end = last + 1;
    }
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      const PatternToken& first = t[it->first];
      if (first.kind == PatternToken::kOpen) {
        *out += first.text;
        AppendReversed(t, it->first + 1, it->second, out);
        *out += ")" + t[it->second].quantifier;
      } else {
        *out += first.text + first.quantifier;
      }
    }
    if (branch_end >= end) return;
    *out += '|';
    branch = branch_end + 1;
  }
}

}  // namespace

bool ReversePattern(std::string_view pattern, std::string* out) {
  std::vector<PatternToken> tokens;
  if (!TokenizePattern(pattern, &tokens)) return false;
  out->clear();
  AppendReversed(tokens, 0, tokens.size(), out);
  return true;
}

}  // namespace dlp::internal
