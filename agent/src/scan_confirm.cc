// The confirm step of a scan session: from the ends of a rule's hits to checked findings. The
// starts of the matches ending at a hit come from one backward scan with the rule's reversed
// patterns (pattern_tokens.h); the rule's start-of-match or anchored confirm database is the
// fallback for patterns that cannot be reversed.
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "scan_session_state.h"

namespace dlp {
namespace {

// A backward scan's match: which pattern, and how far back from the end it starts.
int OnReverse(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::vector<std::pair<unsigned, uint64_t>>*>(ctx)->push_back({id, to});
  return 0;
}

int OnSpan(unsigned, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::vector<std::pair<uint64_t, uint64_t>>*>(ctx)->push_back({from, to});
  return 0;
}

}  // namespace

// Finds the spans of one rule's ready hits (backward scans, or the rule's confirm database when
// its patterns could not be reversed), then checks each candidate span, leftmost first and
// longest first for the same start.
void ScanSession::State::ConfirmRule(int rule, ViewBuffer& vb, std::vector<uint64_t>& ends) {
  // Hyperscan reports a stream's matches in order, so ends usually come sorted (not when a rule
  // has hits from both loose databases, or from its phrases); checking is cheaper than sorting.
  if (!std::is_sorted(ends.begin(), ends.end())) std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  const Rule& r = eng->pack.rules[rule];
  std::erase_if(ends, [&](uint64_t e) { return !LineAfterIsClear(r, vb, e); });
  // A digit or letter right after the end fails the boundary check for every start, so those
  // ends need no start-of-match work (most hits of number rules end inside a longer number).
  // Not for anchored rules: AnchoredSpans treats a run of consecutive ends as one growing match.
  if (!eng->anchored[rule])
    std::erase_if(ends, [&](uint64_t e) { return EndBoundaryFails(r, vb, e); });
  uint64_t width = eng->max_width[rule];
  // A rule whose required phrases are indexed: an end with none in reach of any span ending
  // there (starts are at most `width` before it) needs no start-of-match work either. Not for
  // anchored rules, for the same reason as above; their spans are checked below.
  const bool indexed = eng->phrase_indexed[rule];
  if (indexed && !eng->anchored[rule])
    std::erase_if(ends, [&](uint64_t e) { return !PhraseNear(rule, e > width ? e - width : 0, e); });
  std::vector<std::pair<uint64_t, uint64_t>>& spans = spans_;
  spans.clear();
  if (eng->anchored[rule]) {
    AnchoredSpans(rule, vb, ends, &spans);
    ends.clear();
  } else if (eng->reverse_db[rule].get()) {
    ReverseSpans(rule, vb, ends, &spans);
    ends.clear();
  }
  size_t i = 0;
  while (i < ends.size()) {
    uint64_t ws = std::max(vb.base, ends[i] > width ? ends[i] - width : 0);
    uint64_t we = ends[i];
    while (i + 1 < ends.size() && ends[i + 1] <= we + width) we = ends[++i];
    ++i;
    if (we <= ws || we > vb.total) continue;
    std::vector<std::pair<uint64_t, uint64_t>>& local = window_spans_;
    local.clear();
    hs_scan(eng->confirm_db[rule].get(), vb.buf.text.data() + (ws - vb.base),
            static_cast<unsigned>(we - ws), 0, scratch, OnSpan, &local);
    for (auto [f, t] : local) spans.push_back({ws + f, ws + t});
  }
  const auto leftmost_longest = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  };
  if (!std::is_sorted(spans.begin(), spans.end(), leftmost_longest))  // runs give them in order
    std::sort(spans.begin(), spans.end(), leftmost_longest);
  spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
  for (size_t k = 0; k < spans.size();) {
    uint64_t s = spans[k].first;
    size_t group_end = k;
    while (group_end < spans.size() && spans[group_end].first == s) ++group_end;
    if (s >= confirmed_until[rule]) {
      for (size_t j = k; j < group_end; ++j) {
        if (indexed && !PhraseNear(rule, s, spans[j].second)) continue;  // `require` would fail
        double conf = 0;
        uint64_t os = 0, oe = 0;
        if (Accept(rule, vb, s, spans[j].second, &conf, &os, &oe)) {
          AddFinding(rule, vb, s, spans[j].second, os, oe, conf);
          confirmed_until[rule] = spans[j].second;
          break;
        }
      }
    }
    k = group_end;
  }
}

// The view text [from, e) read backwards into reversed_, eight bytes per step (a byte swap of
// each word read backwards); assign() from reverse iterators built a temporary string byte by
// byte. The buffer is kept between calls.
const char* ScanSession::State::Reversed(const ViewBuffer& vb, uint64_t from, uint64_t e) {
  const size_t len = static_cast<size_t>(e - from);
  if (reversed_.size() < len) reversed_.resize(std::max<size_t>(len, 256));
  const char* src = vb.buf.text.data() + (e - vb.base);  // one past the last byte
  char* dst = reversed_.data();
  size_t k = 0;
  for (; k + 8 <= len; k += 8) {
    uint64_t w;
    std::memcpy(&w, src - k - 8, 8);
    w = __builtin_bswap64(w);
    std::memcpy(dst + k, &w, 8);
  }
  for (; k < len; ++k) dst[k] = src[-1 - static_cast<std::ptrdiff_t>(k)];
  return dst;
}

// The matches of `rule` ending at view offset `e`, as (pattern, length) pairs, from one scan of
// the text before `e` read backwards with the rule's reversed patterns (anchored at `e`).
void ScanSession::State::MatchesEndingAt(int rule, const ViewBuffer& vb, uint64_t e,
                                         std::vector<std::pair<unsigned, uint64_t>>* out) {
  out->clear();
  const uint64_t width = eng->max_width[rule];
  const uint64_t from = std::max(vb.base, e > width ? e - width : 0);
  if (e <= from || e > vb.total) return;
  hs_scan(eng->reverse_db[rule].get(), Reversed(vb, from, e), static_cast<unsigned>(e - from), 0,
          scratch, OnReverse, out);
}

// For each end, the leftmost start of a match of each pattern ending there (what a
// start-of-match scan of a window around the end reports), from one backward scan.
void ScanSession::State::ReverseSpans(int rule, const ViewBuffer& vb,
                                      const std::vector<uint64_t>& ends,
                                      std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  std::vector<std::pair<unsigned, uint64_t>>& local = matches_;  // (pattern, length back)
  for (uint64_t e : ends) {
    MatchesEndingAt(rule, vb, e, &local);
    // The longest match of each pattern: its leftmost start.
    std::sort(local.begin(), local.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    for (size_t k = 0; k < local.size(); ++k)
      if ((k == 0 || local[k].first != local[k - 1].first) && local[k].second > 0)
        spans->push_back({e - local[k].second, e});
  }
}

// For rules whose confirm database is anchored: a run of consecutive match ends is one match
// growing. Its start is the leftmost start (within the rule's width before the run's last end,
// and before the run's first end) of a match ending at any end of the run; it is paired with
// every end of the run that a match from it reaches.
void ScanSession::State::AnchoredSpans(int rule, const ViewBuffer& vb,
                                       const std::vector<uint64_t>& ends,
                                       std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  if (eng->reverse_db[rule].get()) return AnchoredSpansBackward(rule, vb, ends, spans);
  uint64_t width = eng->max_width[rule];
  std::vector<std::pair<uint64_t, uint64_t>>& local = window_spans_;
  // Squeezed hits can include ends where nothing matches on the loose view, which would join
  // runs that do not exist; without backward scans to tell them apart, each end is its own run.
  const bool one_by_one = eng->squeezed_rule[rule];
  size_t i = 0;
  while (i < ends.size()) {
    size_t j = i;
    while (!one_by_one && j + 1 < ends.size() && ends[j + 1] == ends[j] + 1) ++j;
    uint64_t last = ends[j];
    uint64_t from = std::max(vb.base, last > width ? last - width : 0);
    const std::bitset<256>& first = eng->first_bytes[rule];
    for (uint64_t s = from; s < ends[i]; ++s) {
      // A start whose byte cannot begin a match cannot reach the run's ends (they lie after s).
      if (!first.test(static_cast<unsigned char>(vb.At(s)))) continue;
      local.clear();
      hs_scan(eng->confirm_db[rule].get(), vb.buf.text.data() + (s - vb.base),
              static_cast<unsigned>(last - s), 0, scratch, OnSpan, &local);
      bool hit = false;
      for (auto [f, t] : local) {
        uint64_t e = s + t;
        if (std::binary_search(ends.begin() + i, ends.begin() + j + 1, e)) {
          spans->push_back({s, e});
          hit = true;
        }
      }
      if (hit) break;
    }
    i = j + 1;
  }
}

// AnchoredSpans with the reversed patterns. A rule whose hits are exactly its match ends (not
// squeezed, so it has a run database) has its runs before any scan, and a run's starts come from
// a backward scan per kRunSkip + 1 of its ends (AnchoredRunSpans); single ends, runs where that
// gives up, and squeezed rules take one backward scan per end (AnchoredSpansByEnd).
void ScanSession::State::AnchoredSpansBackward(int rule, const ViewBuffer& vb,
                                               const std::vector<uint64_t>& ends,
                                               std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  if (!eng->run_db[rule].get())  // only rules whose hits are their own match ends have one
    return AnchoredSpansByEnd(rule, vb, ends.data(), ends.data() + ends.size(), spans);
  for (size_t i = 0; i < ends.size();) {
    size_t j = i;
    while (j + 1 < ends.size() && ends[j + 1] == ends[j] + 1) ++j;
    if (j == i || !AnchoredRunSpans(rule, vb, ends[i], ends[j], spans))
      AnchoredSpansByEnd(rule, vb, ends.data() + i, ends.data() + j + 1, spans);
    i = j + 1;
  }
}

// One backward scan per end lists the starts of every match ending there (a forward search costs
// a scan per candidate start, hundreds for an e-mail address). Ends where nothing matches
// (squeezed hits are a superset) are dropped before runs are formed, so runs are exactly those
// of the loose view's own matches. A run's start is the leftmost start (within the rule's width
// before its last end, and before its first end) of a match ending at any of its ends.
void ScanSession::State::AnchoredSpansByEnd(int rule, const ViewBuffer& vb, const uint64_t* begin,
                                            const uint64_t* end,
                                            std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  const uint64_t width = eng->max_width[rule];
  std::vector<std::pair<unsigned, uint64_t>>& local = matches_;  // (pattern, length back)
  std::vector<std::pair<uint64_t, uint64_t>>& found = found_;   // (start, end), ends ascending
  std::vector<uint64_t>& real = real_;                          // ends with at least one match
  found.clear();
  real.clear();
  for (const uint64_t* p = begin; p != end; ++p) {
    const uint64_t e = *p;
    MatchesEndingAt(rule, vb, e, &local);
    bool any = false;
    for (const auto& match : local) {
      const uint64_t t = match.second;
      if (t == 0) continue;
      found.push_back({e - t, e});
      any = true;
    }
    if (any) real.push_back(e);
  }
  size_t i = 0, f = 0;
  while (i < real.size()) {
    size_t j = i;
    while (j + 1 < real.size() && real[j + 1] == real[j] + 1) ++j;
    const uint64_t last = real[j];
    const uint64_t from = std::max(vb.base, last > width ? last - width : 0);
    const size_t run_begin = f;
    while (f < found.size() && found[f].second <= last) ++f;
    uint64_t best = UINT64_MAX;
    for (size_t k = run_begin; k < f; ++k)
      if (found[k].first >= from && found[k].first < real[i])
        best = std::min(best, found[k].first);
    for (size_t k = run_begin; k < f; ++k)
      if (found[k].first == best) spans->push_back(found[k]);
    i = j + 1;
  }
}

// The spans AnchoredSpansByEnd gives the run of ends [first, last] (every one a match end), from
// a backward scan per kRunSkip + 1 ends and, usually, one forward scan. A backward scan of the
// run database from b skips up to kRunSkip bytes, so it reports the start of every match ending
// in [b - kRunSkip, b]; scans from first + kRunSkip onwards report the starts of every match
// ending in the run, and perhaps some of matches ending just after it (past `last` the text
// holds no end of this run, but may hold other match ends the run stopped short of, such as
// ends a line check dropped). Candidates are tried leftmost first with the anchored confirm
// database, whose forward scan from a start lists every end reached from it; the first that
// reaches the run is the run's start, paired with each end of the run it reaches. False (nothing
// added) when more candidates fail than the run has ends (then a scan per end is cheaper; only a
// text dense with matches does that): the caller scans per end.
bool ScanSession::State::AnchoredRunSpans(int rule, const ViewBuffer& vb, uint64_t first,
                                          uint64_t last,
                                          std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  const uint64_t width = eng->max_width[rule];
  const uint64_t from = std::max(vb.base, last > width ? last - width : 0);
  if (last <= from || last > vb.total) return false;
  // Scans from b = first + kRunSkip, then kRunSkip + 1 further on each time, until b >= last:
  // together they cover the run, and none reaches an end before it (the ends of an earlier run,
  // whose starts would only be candidates to reject). The last may reach past `last` into text
  // the buffer holds after it (kLineReach at least, unless the text ends there).
  const uint64_t pieces = (last - first) / (kRunSkip + 1) + 1;
  const uint64_t top = std::min(vb.total, first + kRunSkip + (pieces - 1) * (kRunSkip + 1));
  const char* reversed = Reversed(vb, from, top);  // reversed[k] is the byte before top - k
  std::vector<std::pair<unsigned, uint64_t>>& local = matches_;  // (pattern, length back)
  std::vector<uint64_t>& starts = real_;
  starts.clear();
  for (uint64_t k = 0; k < pieces; ++k) {
    const uint64_t b = std::min(top, first + kRunSkip + k * (kRunSkip + 1));
    local.clear();
    hs_scan(eng->run_db[rule].get(), reversed + (top - b), static_cast<unsigned>(b - from), 0,
            scratch, OnReverse, &local);
    for (const auto& match : local)
      if (match.second > 0 && b - match.second < first) starts.push_back(b - match.second);
  }
  // One scan reports them by growing distance back, so starts usually come in falling order.
  if (std::is_sorted(starts.rbegin(), starts.rend())) std::reverse(starts.begin(), starts.end());
  else std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  const size_t max_tries = static_cast<size_t>(last - first) + 2;
  std::vector<std::pair<uint64_t, uint64_t>>& reached = window_spans_;
  for (size_t k = 0; k < starts.size(); ++k) {
    if (k == max_tries) return false;
    const uint64_t s = starts[k];
    reached.clear();
    hs_scan(eng->confirm_db[rule].get(), vb.buf.text.data() + (s - vb.base),
            static_cast<unsigned>(last - s), 0, scratch, OnSpan, &reached);
    // Longest first, as ConfirmRule orders a start's spans (the scan lists ends growing).
    bool hit = false;
    for (auto r = reached.rbegin(); r != reached.rend(); ++r) {
      const uint64_t e = s + r->second;
      if (e < first) continue;
      spans->push_back({s, e});
      hit = true;
    }
    if (hit) return true;
  }
  return true;  // no match ending in the run starts in [from, first)
}

}  // namespace dlp
