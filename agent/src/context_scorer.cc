// Context scoring: words near a match raise or lower confidence ("mã đơn hàng" before a 12-digit
// number lowers it), and some rules need a word or a pattern nearby to count at all (a 9-digit
// CMND means nothing without "CMND"). Phrases are compared on the loose view, lower-cased, so
// officers' phrases match with or without diacritics.
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "scan_session_state.h"

namespace dlp {
namespace {

// ASCII only, like std::isalnum/std::tolower in the "C" locale the engine runs in (nothing calls
// setlocale); inline, because the context windows of every candidate go through them.
constexpr bool IsWordByte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

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

// Which byte pairs occur in a stretch of the loose view that covers the window (its 4096
// possible hashes, marked with the stretch's stamp): a phrase with a pair that does not occur
// cannot be in the window, so most of a rule's phrases are ruled out with a lookup or two
// instead of a search (a collision only means a search that was going to happen anyway). The
// stretch is lower-cased as it is read, like the window text. That text has a cut where the
// match was; its pairs are marked for each window, as the stretch does not have them.
class PairFilter {
 public:
  static constexpr char kCut = '\x01';  // in the window text, where the match was

  // Marks the pairs of [from, to) unless the stretch marked last covers it. A candidate close
  // after the previous one (a dense text: a CSV line per person) gets a stretch reaching further
  // ahead, for the candidates that follow; a lone one gets its window only.
  PairFilter(const ViewBuffer& loose, uint64_t from, uint64_t to, uint64_t ls, uint64_t le,
             ContextScratch* s)
      : seen_(s->pair_seen.data()) {
    const uint64_t gap = ls - s->last_start;  // wraps when going back: no reach
    s->last_start = ls;
    const bool covered = s->stamp != 0 && s->marked_from <= from && to <= s->marked_to;
    if (!covered && ++s->stamp == 0) {  // wrapped: old marks could pass for this stretch's
      std::fill(s->pair_seen.begin(), s->pair_seen.end(), uint16_t{0});
      s->stamp = 1;
    }
    stamp_ = s->stamp;
    if (!covered) {
      const uint64_t reach = gap < kDenseGap ? std::min<uint64_t>(16 * gap, kMaxReach) : 0;
      to = std::min(loose.total, to + reach);
      s->marked_from = from;
      s->marked_to = to;
      if (from < to) {  // Mark() for each pair, with the locals in registers
        const std::string_view t = loose.Slice(from, to);
        const auto* p = reinterpret_cast<const unsigned char*>(t.data());
        uint16_t* const seen = seen_;
        const uint16_t stamp = stamp_;
        unsigned prev = kLower[p[0]] << 4;
        for (size_t i = 1; i < t.size(); ++i) {
          const unsigned cur = kLower[p[i]];
          seen[prev ^ cur] = stamp;
          prev = cur << 4;
        }
      }
    }
    if (ls > loose.base) Mark(loose.At(ls - 1), ' ');
    Mark(' ', kCut);
    Mark(kCut, ' ');
    if (le < loose.total) Mark(' ', loose.At(le));
  }
  bool MayContain(const std::string& phrase) const {
    const size_t pairs = phrase.size() < 2 ? 0 : std::min<size_t>(phrase.size() - 1, 4);
    for (size_t k = 0; k < pairs; ++k)
      if (seen_[Hash(phrase[k], phrase[k + 1])] != stamp_) return false;
    return true;
  }

 private:
  static constexpr uint64_t kDenseGap = 128, kMaxReach = 1024;
  static constexpr auto kLower = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = static_cast<uint8_t>(AsciiLower(static_cast<char>(c)));
    return t;
  }();
  static unsigned Hash(char a, char b) {  // < 4096: (0xFF << 4) ^ 0xFF = 0xF0F
    return (static_cast<unsigned>(static_cast<unsigned char>(a)) << 4) ^
           static_cast<unsigned char>(b);
  }
  void Mark(char a, char b) { seen_[Hash(AsciiLower(a), AsciiLower(b))] = stamp_; }
  uint16_t* seen_;
  uint16_t stamp_ = 0;
};

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
  // The match itself is cut out so that a keyword inside the value cannot vouch for it. The
  // window text is built only once a phrase passes the filter.
  const Range before = WindowRange(loose, ls, ls, c.window_before, 0);
  const Range after = WindowRange(loose, le, le, 0, c.window_after);
  const PairFilter filter(loose, std::min(before.from, ls), std::max(after.to, le), ls, le,
                          scratch);
  std::string& hay = scratch->hay;
  bool built = false;
  auto any_phrase = [&](const std::vector<std::string>& phrases) {
    for (const std::string& p : phrases) {
      if (!filter.MayContain(p)) continue;
      if (!built) {
        hay.clear();
        AppendLower(loose, before, &hay);
        hay += ' ';
        hay += PairFilter::kCut;
        hay += ' ';
        AppendLower(loose, after, &hay);
        built = true;
      }
      if (ContainsPhrase(hay, p)) return true;
    }
    return false;
  };

  if (!c.require.empty() || !require_re.empty()) {
    bool found = any_phrase(c.require);
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
  if (any_phrase(c.raise)) conf += c.raise_by;
  if (any_phrase(c.lower)) conf -= c.lower_by;
  conf = std::clamp(conf, 0.0, 1.0);
  *confidence = conf;
  return conf >= r.min_confidence;
}

}  // namespace dlp
