// Shape checks of a candidate match: digit and word boundaries, letter case, and where on its
// line a marking stands. Hyperscan's \b is ASCII-only (a Vietnamese letter would count as a
// boundary), so boundaries are checked here on the view instead.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstring>

#include "scan_session_state.h"

namespace dlp {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The code point ending just before global offset g, or -1.
UChar32 PrevCodePoint(const ViewBuffer& vb, uint64_t g) {
  if (g <= vb.base) return -1;
  const auto* p = reinterpret_cast<const uint8_t*>(vb.buf.text.data());
  int32_t i = static_cast<int32_t>(g - vb.base);
  UChar32 c;
  U8_PREV(p, 0, i, c);
  return c;
}

UChar32 NextCodePoint(const ViewBuffer& vb, uint64_t g) {
  if (g >= vb.total) return -1;
  const auto* p = reinterpret_cast<const uint8_t*>(vb.buf.text.data());
  int32_t i = static_cast<int32_t>(g - vb.base);
  int32_t n = static_cast<int32_t>(vb.buf.text.size());
  UChar32 c;
  U8_NEXT(p, i, n, c);
  return c;
}

// A digit run continues across a dot or hyphen: "1.234.567" is one number, and so is a tax
// code with its branch suffix "0100112437-001".
bool Joins(char c) { return c == '.' || c == '-'; }

bool DigitBefore(const ViewBuffer& vb, uint64_t s) {
  if (s > vb.base && IsDigit(vb.At(s - 1))) return true;
  return s > vb.base + 1 && Joins(vb.At(s - 1)) && IsDigit(vb.At(s - 2));
}

bool DigitAfter(const ViewBuffer& vb, uint64_t e) {
  if (vb.Has(e) && IsDigit(vb.At(e))) return true;
  return vb.Has(e + 1) && Joins(vb.At(e)) && IsDigit(vb.At(e + 1));
}

// "4.215.360.000": thousands grouped with dots and no leading zero is an amount of money, never
// an identifier (identifiers written with dots keep their leading zero: "001.085.012.345").
bool IsGroupedAmount(std::string_view m) {
  if (m.empty() || m[0] < '1' || m[0] > '9') return false;
  size_t dot = m.find('.');
  if (dot == std::string_view::npos || dot > 3 || (m.size() - dot) % 4 != 0) return false;
  for (size_t i = 0; i < m.size(); ++i) {
    bool dot_here = i >= dot && (i - dot) % 4 == 0;
    if (dot_here ? m[i] != '.' : !IsDigit(m[i])) return false;
  }
  return true;
}

// Header rows are often laid out in columns: "Số 27/BC-CAT      TUYỆT MẬT      Trang 5/12".
// A tab, a '|' or a run of three spaces ends a column.
bool ColumnGapBefore(const ViewBuffer& vb, uint64_t p) {
  char c = vb.At(p - 1);
  if (c == '\t' || c == '|') return true;
  return p >= vb.base + 3 && c == ' ' && vb.At(p - 2) == ' ' && vb.At(p - 3) == ' ';
}

bool ColumnGapAt(const ViewBuffer& vb, uint64_t p) {
  char c = vb.At(p);
  if (c == '\t' || c == '|') return true;
  return vb.Has(p + 2) && c == ' ' && vb.At(p + 1) == ' ' && vb.At(p + 2) == ' ';
}

bool IsStripped(unsigned char c) {
  return std::isspace(c) || std::isdigit(c) || std::strchr("*#_-|:.,;\"'()[]<>/=~+!", c);
}

// True if `prefix` (text before the stamp on its line) opens a list item: "- ", "1. ", "a) ".
bool IsListItem(std::string_view prefix) {
  size_t i = 0;
  while (i < prefix.size() && (prefix[i] == ' ' || prefix[i] == '\t')) ++i;
  std::string_view p = prefix.substr(i);
  if (p.size() >= 2 && (p[0] == '-' || p[0] == '+' || p[0] == '*') && p[1] == ' ') return true;
  size_t j = 0;
  while (j < p.size() && std::isalnum(static_cast<unsigned char>(p[j])) && j < 3) ++j;
  return j > 0 && j < p.size() && (p[j] == '.' || p[j] == ')');
}

}  // namespace

bool CheckBoundary(const Rule& r, const ViewBuffer& vb, uint64_t s, uint64_t e) {
  switch (r.boundary) {
    case Boundary::kNone:
      return true;
    case Boundary::kDigit:
      return !DigitBefore(vb, s) && !DigitAfter(vb, e) && !IsGroupedAmount(vb.Slice(s, e));
    case Boundary::kAlnum: {
      UChar32 before = PrevCodePoint(vb, s), after = NextCodePoint(vb, e);
      if ((before >= 0 && u_isalnum(before)) || (after >= 0 && u_isalnum(after))) return false;
      // A token goes on across a '.' between letters: "an@example" is part of "an@example.vn".
      if (after == '.' && vb.Has(e + 1) && std::isalnum(static_cast<unsigned char>(vb.At(e + 1))))
        return false;
      if (before == '.' && s >= vb.base + 2 && std::isalnum(static_cast<unsigned char>(vb.At(s - 2))))
        return false;
      return true;
    }
  }
  return true;
}

bool EndBoundaryFails(const Rule& r, const ViewBuffer& vb, uint64_t e) {
  switch (r.boundary) {
    case Boundary::kNone:
      return false;
    case Boundary::kDigit:
      return DigitAfter(vb, e);
    case Boundary::kAlnum: {
      UChar32 after = NextCodePoint(vb, e);
      if (after >= 0 && u_isalnum(after)) return true;
      return after == '.' && vb.Has(e + 1) && std::isalnum(static_cast<unsigned char>(vb.At(e + 1)));
    }
  }
  return false;
}

bool CheckCase(const Rule& r, std::string_view m) {
  if (r.case_rule == CaseRule::kAny) return true;
  bool any_upper = false, any_lower = false;
  const auto* p = reinterpret_cast<const uint8_t*>(m.data());
  int32_t i = 0, n = static_cast<int32_t>(m.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (u_isupper(c)) any_upper = true;
    if (u_islower(c)) any_lower = true;
  }
  return r.case_rule == CaseRule::kUpper ? !any_lower : any_upper;
}

namespace {

// True if `rest` (text sharing a stamp's line) holds only allowed words, digits and punctuation.
// Block-level HTML tags end a "line": a stamp alone in <p>, <td> or <div> stands alone.
bool IsBlockTag(std::string_view tag) {
  static constexpr std::string_view kBlocks[] = {"p", "div", "td", "th", "tr", "li", "br", "h1",
                                                 "h2", "h3", "h4", "h5", "h6", "table", "center"};
  size_t i = tag.size() > 1 && tag[1] == '/' ? 2 : 1;
  size_t j = i;
  while (j < tag.size() && std::isalnum(static_cast<unsigned char>(tag[j]))) ++j;
  std::string name(tag.substr(i, j - i));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto b : kBlocks)
    if (name == b) return true;
  return false;
}

// Keeps the part of `rest` inside the same HTML block as the stamp (after the last block tag when
// `before`, up to the first one otherwise), then drops inline tags (<b>, <span class=...>).
std::string WithinHtmlBlock(std::string rest, bool before) {
  if (rest.find('<') == std::string::npos) return rest;
  std::string out;
  size_t i = 0;
  while (i < rest.size()) {
    size_t lt = rest.find('<', i);
    size_t gt = lt == std::string::npos ? std::string::npos : rest.find('>', lt);
    if (gt == std::string::npos || gt - lt > 200) { out.append(rest, i, std::string::npos); break; }
    out.append(rest, i, lt - i);
    if (IsBlockTag(std::string_view(rest).substr(lt, gt - lt + 1))) {
      if (!before) return out;
      out.clear();
    } else {
      out += ' ';
    }
    i = gt + 1;
  }
  return out;
}

bool OnlyAllowed(const Rule& r, std::string rest) {
  // Quotes and brackets around a stamp ("«MẬT»", "“TỐI MẬT”", "【MẬT】") are decoration.
  static const char* const kDecorations[] = {"\u00AB", "\u00BB", "\u201C", "\u201D", "\u2018",
                                             "\u2019", "\u2039", "\u203A", "\u300C", "\u300D",
                                             "\u3010", "\u3011", "\u3008", "\u3009"};
  // Blanked in place, a space per byte (what follows only cares that they are not words).
  for (const char* d : kDecorations)
    for (size_t p = rest.find(d); p != std::string::npos; p = rest.find(d, p))
      std::fill_n(rest.begin() + static_cast<std::ptrdiff_t>(p), std::strlen(d), ' ');
  for (char& c : rest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& allowed : r.line_allow) {
    for (size_t p = rest.find(allowed); p != std::string::npos; p = rest.find(allowed, p)) {
      bool starts = p == 0 || !std::isalnum(static_cast<unsigned char>(rest[p - 1]));
      size_t q = p + allowed.size();
      bool ends = q >= rest.size() || !std::isalnum(static_cast<unsigned char>(rest[q]));
      if (starts && ends) rest.replace(p, allowed.size(), allowed.size(), ' ');
      p = q;
    }
  }
  for (unsigned char c : rest)
    if (!IsStripped(c)) return false;  // another word, or any non-ASCII text, shares the line
  return true;
}

}  // namespace

namespace {

bool IsAsciiAlnum(uint8_t c) { return c < 0x80 && std::isalnum(c); }

// Most hits of a stamp word are in running text ("mật độ", "mặt trận"), and the next word
// already says so. True when the first word after `e` on its line is plain ASCII that no
// line_allow phrase can cover, which is exactly when OnlyAllowed would reject the line for that
// word; false means "not known", and the full check runs. Anything unusual before the word
// (non-ASCII, an HTML tag, a line or column end) is left to the full check.
bool FirstWordRulesOut(const Rule& r, const ViewBuffer& vb, uint64_t e) {
  for (const auto& a : r.line_allow)  // an allowed phrase could start in the punctuation
    if (a.empty() || !std::isalpha(static_cast<unsigned char>(a[0]))) return false;
  uint64_t p = e, spaces = 0;
  const uint64_t ceil = std::min(vb.total, e + kLineReach);
  for (; p < ceil; ++p) {
    const uint8_t c = static_cast<uint8_t>(vb.At(p));
    if (c >= 0x80 || c == '<' || c == '\n' || c == '\t' || c == '|') return false;
    spaces = c == ' ' ? spaces + 1 : 0;
    if (spaces == 3) return false;  // a column gap ends the line
    if (std::isalpha(c)) break;
    if (!IsStripped(c)) return false;
  }
  if (p >= ceil) return false;
  uint64_t ws = p, we = p;  // the whole alphanumeric run, digits before the letter included
  while (ws > e && IsAsciiAlnum(static_cast<uint8_t>(vb.At(ws - 1)))) --ws;
  while (we < ceil && IsAsciiAlnum(static_cast<uint8_t>(vb.At(we)))) ++we;
  if (we >= ceil) return false;
  std::string word(vb.Slice(ws, we));
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& a : r.line_allow) {
    if (a.compare(0, word.size(), word) != 0) continue;
    if (a.size() == word.size() || !std::isalnum(static_cast<unsigned char>(a[word.size()])))
      return false;  // this phrase may cover the word
  }
  return true;
}

}  // namespace

bool LineAfterIsClear(const Rule& r, const ViewBuffer& vb, uint64_t e) {
  if (r.position != Position::kOwnLine) return true;
  if (FirstWordRulesOut(r, vb, e)) return false;
  uint64_t le = e, ceil = e + kLineReach;
  while (le < vb.total && le < ceil && vb.At(le) != '\n' && !ColumnGapAt(vb, le)) ++le;
  if (le < vb.total && vb.At(le) != '\n' && !ColumnGapAt(vb, le)) return false;
  return OnlyAllowed(r, WithinHtmlBlock(std::string(vb.Slice(e, le)), false));
}

bool CheckPosition(const Rule& r, const ViewBuffer& vb, uint64_t s, uint64_t e) {
  if (r.position == Position::kAnywhere) return true;
  uint64_t floor = s > kLineReach ? s - kLineReach : 0;
  uint64_t ls = s;
  bool column = false;
  while (ls > floor && ls > vb.base && vb.At(ls - 1) != '\n') {
    if (r.position == Position::kOwnLine && ColumnGapBefore(vb, ls)) { column = true; break; }
    --ls;
  }
  if (!column && ls > 0 && (ls == vb.base || vb.At(ls - 1) != '\n'))
    return false;  // line longer than we look: prose
  std::string before = WithinHtmlBlock(std::string(vb.Slice(ls, s)), true);
  if (r.position == Position::kLineStart) {
    for (unsigned char c : before)
      if (!std::isspace(c) && !std::strchr("*#_>|-", c)) return false;
    return true;
  }
  if (IsListItem(before)) return false;  // "- Tối mật" in a list of levels is teaching, not a stamp
  return OnlyAllowed(r, std::move(before)) && LineAfterIsClear(r, vb, e);
}

}  // namespace dlp
