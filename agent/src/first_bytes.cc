#include "first_bytes.h"

#include <cctype>

namespace dlp::internal {
namespace {

using Set = std::bitset<256>;

struct Result {
  Set first;
  bool nullable = false;
};

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}
  bool ok() const { return ok_; }
  bool done() const { return i_ >= p_.size(); }

  Result Alternation() {
    Result r = Sequence();
    while (ok_ && i_ < p_.size() && p_[i_] == '|') {
      ++i_;
      Result s = Sequence();
      r.first |= s.first;
      r.nullable = r.nullable || s.nullable;
    }
    return r;
  }

 private:
  Result Sequence() {
    Result r;
    r.nullable = true;
    while (ok_ && i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      Result a = Atom();
      Quantifier(&a);
      if (r.nullable) r.first |= a.first;
      r.nullable = r.nullable && a.nullable;
    }
    return r;
  }

  void Quantifier(Result* a) {
    if (!ok_ || i_ >= p_.size()) return;
    const char c = p_[i_];
    if (c == '?' || c == '*') {
      a->nullable = true;
      ++i_;
    } else if (c == '+') {
      ++i_;
    } else if (c == '{') {
      size_t j = i_ + 1;
      size_t min = 0;
      bool digits = false;
      while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) {
        min = min * 10 + static_cast<size_t>(p_[j] - '0');
        digits = true;
        ++j;
      }
      if (!digits) return Fail();
      while (j < p_.size() && p_[j] != '}') {
        if (p_[j] != ',' && !std::isdigit(static_cast<unsigned char>(p_[j]))) return Fail();
        ++j;
      }
      if (j >= p_.size()) return Fail();
      i_ = j + 1;
      if (min == 0) a->nullable = true;
    } else {
      return;
    }
    if (i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '+')) ++i_;  // lazy, possessive
    if (i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '*' || p_[i_] == '+' || p_[i_] == '{'))
      Fail();  // stacked quantifiers: not worth understanding
  }

  Result Atom() {
    Result r;
    const char c = p_[i_];
    if (c == '(') {
      if (++depth_ > kMaxDepth) return Fail(), r;  // bounded recursion on hostile patterns
      ++i_;
      if (i_ < p_.size() && p_[i_] == '?') {
        if (i_ + 1 < p_.size() && p_[i_ + 1] == ':') i_ += 2;
        else return Fail(), r;  // flags, look-around, named groups...
      }
      r = Alternation();
      if (i_ >= p_.size() || p_[i_] != ')') return Fail(), r;
      ++i_;
      --depth_;
      return r;
    }
    if (c == '[') return Class();
    if (c == '.') {
      ++i_;
      r.first.set();
      return r;
    }
    if (c == '^' || c == '$') {
      ++i_;
      r.nullable = true;
      return r;
    }
    if (c == '\\') return Escape(false, nullptr);
    if (c == '*' || c == '+' || c == '?' || c == '{' || c == ')') return Fail(), r;
    ++i_;
    r.first.set(static_cast<unsigned char>(c));
    return r;
  }

  // At a backslash. In a class (`in_class`), a single byte is also returned through *byte.
  Result Escape(bool in_class, int* byte) {
    Result r;
    if (i_ + 1 >= p_.size()) return Fail(), r;
    const char e = p_[i_ + 1];
    i_ += 2;
    auto one = [&](unsigned char b) {
      r.first.set(b);
      if (byte) *byte = b;
    };
    switch (e) {
      case 's': case 'S': {
        Set s;
        for (unsigned char b : {' ', '\t', '\n', '\v', '\f', '\r'}) s.set(b);
        r.first = e == 's' ? s : ~s;
        return r;
      }
      case 'd': case 'D': {
        Set s;
        for (int b = '0'; b <= '9'; ++b) s.set(b);
        r.first = e == 'd' ? s : ~s;
        return r;
      }
      case 'w': case 'W': {
        Set s;
        for (int b = 0; b < 256; ++b)
          if (b < 128 && (std::isalnum(b) || b == '_')) s.set(b);
        r.first = e == 'w' ? s : ~s;
        return r;
      }
      case 'n': one('\n'); return r;
      case 'r': one('\r'); return r;
      case 't': one('\t'); return r;
      case 'f': one('\f'); return r;
      case 'v': one('\v'); return r;
      case 'a': one('\a'); return r;
      case 'e': one(0x1B); return r;
      case 'x': {
        auto hex = [](char h) {
          return std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
                 : (h >= 'a' && h <= 'f')                    ? h - 'a' + 10
                 : (h >= 'A' && h <= 'F')                    ? h - 'A' + 10
                                                             : -1;
        };
        if (i_ + 1 >= p_.size() || hex(p_[i_]) < 0 || hex(p_[i_ + 1]) < 0) return Fail(), r;
        one(static_cast<unsigned char>(hex(p_[i_]) * 16 + hex(p_[i_ + 1])));
        i_ += 2;
        return r;
      }
      case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G':
        if (in_class) return Fail(), r;
        r.nullable = true;
        return r;
      default:
        if (std::isalnum(static_cast<unsigned char>(e)) || static_cast<unsigned char>(e) >= 0x80)
          return Fail(), r;  // \p, \Q, back-references, ...: not understood
        one(static_cast<unsigned char>(e));  // escaped punctuation
        return r;
    }
  }

  Result Class() {
    Result r;
    ++i_;  // '['
    bool negate = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negate = true;
      ++i_;
    }
    Set s;
    bool first_item = true;
    while (ok_) {
      if (i_ >= p_.size()) return Fail(), r;
      char c = p_[i_];
      if (c == ']' && !first_item) {
        ++i_;
        break;
      }
      first_item = false;
      if (c == '[' && i_ + 1 < p_.size() && (p_[i_ + 1] == ':' || p_[i_ + 1] == '=' || p_[i_ + 1] == '.'))
        return Fail(), r;  // POSIX classes
      int lo = -1;
      if (c == '\\') {
        Result e = Escape(true, &lo);
        if (!ok_) return r;
        if (lo < 0) {  // a class escape such as \s
          s |= e.first;
          continue;
        }
      } else {
        lo = static_cast<unsigned char>(c);
        ++i_;
      }
      // A range lo-hi?
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        int hi = -1;
        if (p_[i_] == '\\') {
          Escape(true, &hi);
          if (!ok_ || hi < 0) return Fail(), r;
        } else {
          hi = static_cast<unsigned char>(p_[i_]);
          ++i_;
        }
        if (hi < lo) return Fail(), r;
        for (int b = lo; b <= hi; ++b) s.set(b);
      } else {
        s.set(lo);
      }
    }
    r.first = negate ? ~s : s;
    return r;
  }

  void Fail() { ok_ = false; }

  static constexpr int kMaxDepth = 64;
  std::string_view p_;
  size_t i_ = 0;
  int depth_ = 0;
  bool ok_ = true;
};

}  // namespace

std::bitset<256> FirstBytes(std::string_view pattern, bool caseless) {
  Parser parser(pattern);
  Result r = parser.Alternation();
  if (!parser.ok() || !parser.done() || r.nullable) return Set().set();
  if (caseless) {
    for (int b = 'a'; b <= 'z'; ++b) {
      if (r.first.test(b) || r.first.test(b - 32)) {
        r.first.set(b);
        r.first.set(b - 32);
      }
    }
  }
  return r.first;
}

}  // namespace dlp::internal
