// Context scoring: words near a match raise or lower confidence ("mã đơn hàng" before a 12-digit
// number lowers it), and some rules need a word or a pattern nearby to count at all (a 9-digit
// CMND means nothing without "CMND"). Phrases are compared on the loose view, lower-cased, so
// officers' phrases match with or without diacritics.
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "scan_session_state.h"

namespace dlp {
namespace {

// ASCII only, like std::isalnum/std::tolower in the "C" locale the engine runs in (nothing calls
// setlocale); inline, because the context windows of every candidate go through them.
bool IsWordByte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Whether hay has `phrase` at p as a whole phrase: a word byte next to a word byte at either end
// means it is inside a longer word.
bool WholeAt(const std::string& hay, size_t p, const std::string& phrase) {
  if (std::memcmp(hay.data() + p, phrase.data(), phrase.size()) != 0) return false;
  const bool starts = p == 0 || !IsWordByte(hay[p - 1]) || !IsWordByte(phrase.front());
  const size_t q = p + phrase.size();
  return starts && (q >= hay.size() || !IsWordByte(hay[q]) || !IsWordByte(phrase.back()));
}

// Windows are a few hundred bytes and phrases' first letters common ("t", "n", "s"), so a search
// by first byte stops every few bytes; comparing the first and the last byte of the phrase at 16
// positions at once leaves few places to check (GCC/Clang vectors: SSE2 on x86, NEON on ARM).
bool ContainsPhrase(const std::string& hay, const std::string& phrase) {
  using V = uint8_t __attribute__((vector_size(16)));
  const size_t m = phrase.size(), n = hay.size();
  if (m == 0 || m > n) return false;  // a phrase folded to nothing never counts
  const auto* h = reinterpret_cast<const uint8_t*>(hay.data());
  const auto first = static_cast<uint8_t>(phrase.front()), last = static_cast<uint8_t>(phrase.back());
  const V vf = first - V{}, vl = last - V{};  // the byte in every lane
  size_t p = 0;
  for (; p + m - 1 + 16 <= n; p += 16) {
    V a, b;
    std::memcpy(&a, h + p, 16);
    std::memcpy(&b, h + p + m - 1, 16);
    const V both = (a == vf) & (b == vl);
    uint64_t lo, hi;
    std::memcpy(&lo, &both, 8);
    std::memcpy(&hi, reinterpret_cast<const char*>(&both) + 8, 8);
    if ((lo | hi) == 0) continue;
    for (size_t k = 0; k < 16; ++k)
      if (h[p + k] == first && h[p + k + m - 1] == last && WholeAt(hay, p + k, phrase)) return true;
  }
  for (; p + m <= n; ++p)
    if (h[p] == first && h[p + m - 1] == last && WholeAt(hay, p, phrase)) return true;
  return false;
}

// Which byte pairs occur in the window (its 4096 possible hashes, marked with the window's
// stamp): a phrase with a pair that does not occur cannot be in it, so most of a rule's phrases
// are ruled out with a lookup or two instead of a search (a collision only means a search that
// was going to happen anyway).
class PairFilter {
 public:
  PairFilter(const std::string& hay, ContextScratch* s) : seen_(s->pair_seen.data()) {
    if (++s->stamp == 0) {  // wrapped: old marks could pass for this window's
      std::fill(s->pair_seen.begin(), s->pair_seen.end(), uint16_t{0});
      s->stamp = 1;
    }
    stamp_ = s->stamp;
    for (size_t i = 0; i + 1 < hay.size(); ++i) seen_[Hash(hay[i], hay[i + 1])] = stamp_;
  }
  bool MayContain(const std::string& phrase) const {
    const size_t pairs = phrase.size() < 2 ? 0 : std::min<size_t>(phrase.size() - 1, 4);
    for (size_t k = 0; k < pairs; ++k)
      if (seen_[Hash(phrase[k], phrase[k + 1])] != stamp_) return false;
    return true;
  }

 private:
  static unsigned Hash(char a, char b) {  // < 4096: (0xFF << 4) ^ 0xFF = 0xF0F
    return (static_cast<unsigned>(static_cast<unsigned char>(a)) << 4) ^
           static_cast<unsigned char>(b);
  }
  uint16_t* seen_;
  uint16_t stamp_;
};

bool AnyPhrase(const std::string& hay, const PairFilter& filter,
               const std::vector<std::string>& phrases) {
  return std::any_of(phrases.begin(), phrases.end(), [&](const std::string& p) {
    return filter.MayContain(p) && ContainsPhrase(hay, p);
  });
}

// The part of [s - before, e + after) that `vb` still holds (empty when from >= to).
struct Range {
  uint64_t from, to;
};
Range WindowRange(const ViewBuffer& vb, uint64_t s, uint64_t e, int before, int after) {
  return {std::max(vb.base, s > static_cast<uint64_t>(before) ? s - before : 0),
          std::min(vb.total, e + after)};
}

// Appends the window's bytes, lower-cased, to `out`.
void AppendLower(const ViewBuffer& vb, Range w, std::string* out) {
  if (w.from >= w.to) return;
  const std::string_view s = vb.Slice(w.from, w.to);
  const size_t at = out->size();
  out->resize(at + s.size());
  char* d = out->data() + at;
  for (size_t k = 0; k < s.size(); ++k) d[k] = AsciiLower(s[k]);
}

std::string Window(const ViewBuffer& vb, uint64_t s, uint64_t e, int before, int after) {
  const Range w = WindowRange(vb, s, e, before, after);
  if (w.from >= w.to) return std::string();
  return std::string(vb.Slice(w.from, w.to));
}

}  // namespace

bool HasContext(const Rule& r, const std::vector<std::unique_ptr<icu::RegexPattern>>& require_re) {
  const ContextSpec& c = r.context;
  return !c.require.empty() || !require_re.empty() || !c.raise.empty() || !c.lower.empty();
}

bool ScoreContext(const Rule& r, const std::vector<std::unique_ptr<icu::RegexPattern>>& require_re,
                  const ViewBuffer& loose, uint64_t ls, uint64_t le, const ViewBuffer& exact,
                  uint64_t es, uint64_t ee, ContextScratch* scratch, double* confidence) {
  const ContextSpec& c = r.context;
  if (!HasContext(r, require_re)) {
    // No context to read (document numbers, most credentials): the windows are not needed.
    const double conf = std::clamp(r.confidence, 0.0, 1.0);
    *confidence = conf;
    return conf >= r.min_confidence;
  }
  // The match itself is blanked so that a keyword inside the value cannot vouch for it.
  std::string& hay = scratch->hay;
  hay.clear();
  AppendLower(loose, WindowRange(loose, ls, ls, c.window_before, 0), &hay);
  hay.append(" \x01 ");
  AppendLower(loose, WindowRange(loose, le, le, 0, c.window_after), &hay);
  const PairFilter filter(hay, scratch);

  if (!c.require.empty() || !require_re.empty()) {
    bool found = AnyPhrase(hay, filter, c.require);
    if (!found && !require_re.empty()) {
      // Exact-view bytes are longer than loose ones (diacritics): widen the window to match.
      std::string w = Window(exact, es, ee, c.window_before * 2, c.window_after * 2);
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(w);
      for (const auto& re : require_re) {
        UErrorCode ec = U_ZERO_ERROR;
        std::unique_ptr<icu::RegexMatcher> m(re->matcher(u, ec));
        if (U_SUCCESS(ec) && m->find(ec)) { found = true; break; }
      }
    }
    if (!found) return false;
  }
  double conf = r.confidence;
  if (AnyPhrase(hay, filter, c.raise)) conf += c.raise_by;
  if (AnyPhrase(hay, filter, c.lower)) conf -= c.lower_by;
  conf = std::clamp(conf, 0.0, 1.0);
  *confidence = conf;
  return conf >= r.min_confidence;
}

}  // namespace dlp
