// Streaming scan: normalize a chunk into both views, run the view databases in Hyperscan stream
// mode, then confirm the hits that have enough text after them for context checks. Only a
// window of each view is kept, so memory stays bounded whatever the input size.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "scan_session_state.h"

namespace dlp {
namespace {

constexpr size_t kChunk = 128 * 1024;      // original bytes normalized per step
constexpr uint64_t kKeepBehind = 16 * 1024;  // view bytes kept behind the scan position
constexpr size_t kTrimAt = 256 * 1024;     // trim a window only when it grows past this

int CurrentYear() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

struct CallbackCtx {
  ViewBuffer* vb;
  const std::vector<int>* pattern_rule;
};

int OnHit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<CallbackCtx*>(ctx);
  c->vb->hits.push_back({(*c->pattern_rule)[id], to});
  return 0;
}

// The line a view position is on, as the original offset of the line break before it (or of a
// 4 KiB block for a very long line), so findings on one line can be told to belong together.
uint64_t LineKey(const ViewBuffer& vb, uint64_t s) {
  uint64_t floor = std::max(vb.base, s > kLineReach ? s - kLineReach : 0);
  uint64_t p = s;
  // Keys are original offsets: findings of the exact and the loose view must agree on lines.
  for (; p > floor; --p)
    if (vb.At(p - 1) == '\n') return vb.buf.OriginalBegin(p - 1 - vb.base);
  if (p == 0) return ~uint64_t{0};     // the first line of the text
  return ((vb.buf.OriginalBegin(s - vb.base) / 4096) << 1) | 1;  // a very long line: its block
}

struct SqueezedCtx {
  ViewBuffer* loose;
  const std::vector<int>* pattern_rule;
  const internal::SqueezedChunk* chunk;
  uint64_t squeezed_base;  // stream offset of the chunk's first squeezed byte
  uint64_t loose_base;     // global loose-view offset of the chunk's first byte
};

// A squeezed hit becomes a hit of the loose view, ending after the same byte.
int OnSqueezedHit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<SqueezedCtx*>(ctx);
  uint64_t end = c->loose_base + c->chunk->LooseEnd(static_cast<size_t>(to - c->squeezed_base));
  c->loose->hits.push_back({(*c->pattern_rule)[id], end});
  return 0;
}

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

uint64_t ViewBuffer::FromOriginal(uint64_t orig) const {
  auto it = std::lower_bound(buf.src_begin.begin(), buf.src_begin.end(), orig);
  return base + static_cast<uint64_t>(it - buf.src_begin.begin());
}

void ViewBuffer::TrimBefore(uint64_t keep_from) {
  if (keep_from <= base) return;
  size_t n = static_cast<size_t>(std::min(keep_from, total) - base);
  buf.text.erase(0, n);
  buf.src_begin.erase(buf.src_begin.begin(), buf.src_begin.begin() + n);
  buf.src_end.erase(buf.src_end.begin(), buf.src_end.begin() + n);
  base += n;
}

ScanSession::State::State(const Engine::Impl* engine, const ScanOptions& options)
    : eng(engine), opt(options) {
  vctx.current_year = opt.current_year > 0 ? opt.current_year : CurrentYear();
  scratch = eng->scratch.Acquire();
  if (!scratch) error = Status::ResourceExhausted("cannot allocate Hyperscan scratch space");
  for (int v = 0; v < kStreamDbCount && error.ok(); ++v) {
    hs_stream_t** stream = v == kSqueezedDb ? &squeezed_stream : &views[v].stream;
    if (eng->view_db[v].get() && hs_open_stream(eng->view_db[v].get(), 0, stream) != HS_SUCCESS)
      error = Status::ResourceExhausted("cannot open a Hyperscan stream");
  }
  confirmed_until.assign(eng->pack.rules.size(), 0);
  dropped_by_rule.assign(eng->pack.rules.size(), 0);
  agg.people.resize(eng->pack.aggregates.size());
  agg.span.assign(eng->pack.aggregates.size(), {UINT64_MAX, 0});
}

ScanSession::State::~State() {
  for (auto& vb : views)
    if (vb.stream) hs_close_stream(vb.stream, scratch, nullptr, nullptr);
  if (squeezed_stream) hs_close_stream(squeezed_stream, scratch, nullptr, nullptr);
  eng->scratch.Release(scratch);
}

Status ScanSession::State::Feed(std::string_view chunk) {
  if (!error.ok()) return error;
  if (finished) return Status::InvalidArgument("scan session already finished");
  while (!chunk.empty()) {
    if (pending.empty() && chunk.size() >= kChunk * 2) {
      // A large piece is normalized where it lies: copying it into `pending` and moving the
      // rest down after each chunk was an extra pass over every byte.
      size_t cut = 0;
      if (Status s = Process(chunk.substr(0, kChunk), false, &cut); !s.ok()) return error = s;
      chunk.remove_prefix(cut);
      continue;
    }
    size_t take = std::min(chunk.size(), kChunk * 2 - pending.size());
    pending.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (pending.size() >= kChunk * 2)
      if (Status s = ProcessPending(kChunk, false); !s.ok()) return error = s;
  }
  return Status::OK();
}

Status ScanSession::State::ProcessPending(size_t bytes, bool last) {
  std::string_view input(pending.data(), std::min(bytes, pending.size()));
  size_t cut = 0;
  if (Status s = Process(input, last && input.size() == pending.size(), &cut); !s.ok()) return s;
  pending.erase(0, cut);
  return Status::OK();
}

// Normalizes a prefix of `input` (cut where normalization is safe; all of it when `last`),
// scans it and sets *cut to its length.
Status ScanSession::State::Process(std::string_view input, bool last, size_t* cut_out) {
  size_t cut = eng->norm->SafeCut(input, last);
  if (cut == 0 && !input.empty()) cut = input.size();  // no safe point: never stall
  input = input.substr(0, cut);
  static_assert(kViewCount == 2 && static_cast<int>(ViewKind::kExact) == 0);
  size_t old_size[kViewCount];
  for (int v = 0; v < kViewCount; ++v) old_size[v] = views[v].buf.text.size();
  if (!last) {
    // A long input: give each view its steady-state capacity (a trimmed window plus two chunks)
    // once, instead of letting the first chunks reallocate and copy the text and both offset
    // maps. Pages are touched only as they are written.
    constexpr size_t kSteady = kTrimAt + 2 * kChunk;
    for (auto& vb : views) {
      NormalizedView& b = vb.buf;
      if (b.text.capacity() < kSteady) b.text.reserve(kSteady);
      if (b.src_begin.capacity() < kSteady) b.src_begin.reserve(kSteady);
      if (b.src_end.capacity() < kSteady) b.src_end.reserve(kSteady);
    }
  }
  eng->norm->NormalizeBoth(input, consumed, &views[0].buf, &views[1].buf);
  for (int v = 0; v < kViewCount; ++v) {
    ViewBuffer& vb = views[v];
    size_t old = old_size[v];
    vb.total += vb.buf.text.size() - old;
    if (!vb.stream || vb.buf.text.size() == old) continue;
    CallbackCtx ctx{&vb, &eng->view_pattern_rule[v]};
    if (hs_scan_stream(vb.stream, vb.buf.text.data() + old,
                       static_cast<unsigned>(vb.buf.text.size() - old), 0, scratch, OnHit,
                       &ctx) != HS_SUCCESS)
      return Status::Internal("Hyperscan stream scan failed");
  }
  if (Status s = ScanSqueezed(old_size[static_cast<int>(ViewKind::kLoose)]); !s.ok()) return s;
  consumed += cut;
  *cut_out = cut;
  ConfirmReady(last);
  return Status::OK();
}

// Squeezes the loose view's new bytes (from `old` on) and scans them with the squeezed
// database; its hits join the loose view's.
Status ScanSession::State::ScanSqueezed(size_t old) {
  ViewBuffer& loose = views[static_cast<int>(ViewKind::kLoose)];
  if (!squeezed_stream || loose.buf.text.size() == old) return Status::OK();
  squeezed.Build(std::string_view(loose.buf.text).substr(old));
  if (squeezed.text().empty()) return Status::OK();
  SqueezedCtx ctx{&loose, &eng->view_pattern_rule[kSqueezedDb], &squeezed, squeezed_total,
                  loose.base + old};
  if (hs_scan_stream(squeezed_stream, squeezed.text().data(),
                     static_cast<unsigned>(squeezed.text().size()), 0, scratch, OnSqueezedHit,
                     &ctx) != HS_SUCCESS)
    return Status::Internal("Hyperscan stream scan failed");
  squeezed_total += squeezed.text().size();
  return Status::OK();
}

void ScanSession::State::ConfirmReady(bool last) {
  for (int v = 0; v < kViewCount; ++v) {
    ViewBuffer& vb = views[v];
    uint64_t ready_until = last ? UINT64_MAX
                                : (vb.total > eng->max_after + kLineReach
                                       ? vb.total - eng->max_after - kLineReach : 0);
    std::vector<Hit> later;
    std::vector<std::vector<uint64_t>> by_rule(eng->pack.rules.size());
    for (const Hit& h : vb.hits) {
      if (h.end <= ready_until) by_rule[h.rule].push_back(h.end);
      else later.push_back(h);
    }
    vb.hits.swap(later);
    for (size_t r = 0; r < by_rule.size(); ++r)
      if (!by_rule[r].empty()) ConfirmRule(static_cast<int>(r), vb, by_rule[r]);
    // Keep enough behind the oldest waiting hit for its confirm window and context.
    uint64_t keep = vb.total > kKeepBehind ? vb.total - kKeepBehind : 0;
    for (const Hit& h : vb.hits)
      keep = std::min(keep, h.end > kKeepBehind ? h.end - kKeepBehind : 0);
    if (vb.buf.text.size() > kTrimAt) vb.TrimBefore(keep);
  }
}

// Re-runs one rule with start-of-match tracking over windows around its hits, then checks each
// candidate span, leftmost first and longest first for the same start.
void ScanSession::State::ConfirmRule(int rule, ViewBuffer& vb, std::vector<uint64_t>& ends) {
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  const Rule& r = eng->pack.rules[rule];
  std::erase_if(ends, [&](uint64_t e) { return !LineAfterIsClear(r, vb, e); });
  // A digit or letter right after the end fails the boundary check for every start, so those
  // ends need no start-of-match work (most hits of number rules end inside a longer number).
  // Not for anchored rules: AnchoredSpans treats a run of consecutive ends as one growing match.
  if (!eng->anchored[rule])
    std::erase_if(ends, [&](uint64_t e) { return EndBoundaryFails(r, vb, e); });
  uint64_t width = eng->max_width[rule];
  std::vector<std::pair<uint64_t, uint64_t>> spans;
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
    std::vector<std::pair<uint64_t, uint64_t>> local;
    hs_scan(eng->confirm_db[rule].get(), vb.buf.text.data() + (ws - vb.base),
            static_cast<unsigned>(we - ws), 0, scratch, OnSpan, &local);
    for (auto [f, t] : local) spans.push_back({ws + f, ws + t});
  }
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
  for (size_t k = 0; k < spans.size();) {
    uint64_t s = spans[k].first;
    size_t group_end = k;
    while (group_end < spans.size() && spans[group_end].first == s) ++group_end;
    if (s >= confirmed_until[rule]) {
      for (size_t j = k; j < group_end; ++j) {
        double conf = 0;
        if (Accept(rule, vb, s, spans[j].second, &conf)) {
          AddFinding(rule, vb, s, spans[j].second, conf);
          confirmed_until[rule] = spans[j].second;
          break;
        }
      }
    }
    k = group_end;
  }
}

// The matches of `rule` ending at view offset `e`, as (pattern, length) pairs, from one scan of
// the text before `e` read backwards with the rule's reversed patterns (anchored at `e`).
void ScanSession::State::MatchesEndingAt(int rule, const ViewBuffer& vb, uint64_t e,
                                         std::vector<std::pair<unsigned, uint64_t>>* out) {
  out->clear();
  const uint64_t width = eng->max_width[rule];
  const uint64_t from = std::max(vb.base, e > width ? e - width : 0);
  if (e <= from || e > vb.total) return;
  reversed_.assign(vb.buf.text.rbegin() + (vb.total - e),
                   vb.buf.text.rbegin() + (vb.total - from));
  hs_scan(eng->reverse_db[rule].get(), reversed_.data(), static_cast<unsigned>(e - from), 0,
          scratch, OnReverse, out);
}

// For each end, the leftmost start of a match of each pattern ending there (what a
// start-of-match scan of a window around the end reports), from one backward scan.
void ScanSession::State::ReverseSpans(int rule, const ViewBuffer& vb,
                                      const std::vector<uint64_t>& ends,
                                      std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  std::vector<std::pair<unsigned, uint64_t>> local;  // (pattern, length back from the end)
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
  std::vector<std::pair<uint64_t, uint64_t>> local;
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

// AnchoredSpans with the reversed patterns: one backward scan per end lists the starts of every
// match ending there (a forward search costs a scan per candidate start, hundreds for an
// e-mail address). Ends where nothing matches (squeezed hits are a superset) are dropped
// before runs are formed, so runs are exactly those of the loose view's own matches.
void ScanSession::State::AnchoredSpansBackward(int rule, const ViewBuffer& vb,
                                               const std::vector<uint64_t>& ends,
                                               std::vector<std::pair<uint64_t, uint64_t>>* spans) {
  const uint64_t width = eng->max_width[rule];
  std::vector<std::pair<unsigned, uint64_t>> local;  // (pattern, length back from the end)
  std::vector<std::pair<uint64_t, uint64_t>> found;  // (start, end), ends ascending
  std::vector<uint64_t> real;                        // ends with at least one match
  for (uint64_t e : ends) {
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

bool ScanSession::State::Accept(int rule, const ViewBuffer& vb, uint64_t s, uint64_t e,
                                double* confidence) {
  const Rule& r = eng->pack.rules[rule];
  if (e <= s || !vb.Has(s)) return false;
  std::string_view matched = vb.Slice(s, e);
  if (!CheckBoundary(r, vb, s, e) || !CheckCase(r, matched) || !CheckPosition(r, vb, s, e))
    return false;
  if (r.validator && !r.validator(matched, vctx)) return false;
  // Context is read on the loose view (phrases) and the exact view (patterns), whichever view
  // the rule matched on: map the span through original offsets.
  const ViewBuffer& loose = views[static_cast<int>(ViewKind::kLoose)];
  const ViewBuffer& exact = views[static_cast<int>(ViewKind::kExact)];
  uint64_t os = vb.buf.OriginalBegin(s - vb.base), oe = vb.buf.OriginalEnd(e - vb.base);
  uint64_t ls = &vb == &loose ? s : loose.FromOriginal(os);
  uint64_t le = &vb == &loose ? e : loose.FromOriginal(oe);
  uint64_t es = &vb == &exact ? s : exact.FromOriginal(os);
  uint64_t ee = &vb == &exact ? e : exact.FromOriginal(oe);
  return ScoreContext(r, eng->require_re[rule], loose, ls, le, exact, es, ee, confidence);
}

void ScanSession::State::AddFinding(int rule, const ViewBuffer& vb, uint64_t s, uint64_t e,
                                    double confidence) {
  const Rule& r = eng->pack.rules[rule];
  std::string_view value = vb.Slice(s, e);
  uint64_t os = vb.buf.OriginalBegin(s - vb.base), oe = vb.buf.OriginalEnd(e - vb.base);
  // Shown values come from the exact view, so a stamp reads "TỐI MẬT" as the user wrote it.
  const ViewBuffer& exact = views[static_cast<int>(ViewKind::kExact)];
  std::string_view shown = value;
  if (&vb != &exact) {
    uint64_t es = exact.FromOriginal(os), ee = exact.FromOriginal(oe);
    if (es >= exact.base && es < ee && ee <= exact.total) shown = exact.Slice(es, ee);
  }
  Finding f{r.id, r.type, r.severity, confidence, os, oe, MaskValue(r.type, shown)};
  for (size_t a = 0; a < eng->pack.aggregates.size(); ++a) {
    const AggregateRule& ag = eng->pack.aggregates[a];
    if (std::find(ag.of_types.begin(), ag.of_types.end(), r.type) == ag.of_types.end()) continue;
    agg.people[a].Add(ValueKey(r.type, value), LineKey(vb, s), rule);
    agg.span[a].first = std::min(agg.span[a].first, f.start);
    agg.span[a].second = std::max(agg.span[a].second, f.end);
  }
  if (findings.size() >= opt.max_findings) {
    ++dropped;
    ++dropped_by_rule[rule];
    return;
  }
  findings.push_back(std::move(f));
}

Status ScanSession::State::Finish(ScanResult* out) {
  if (!error.ok()) return error;
  if (finished) return Status::InvalidArgument("scan session already finished");
  while (pending.size() > kChunk)
    if (Status s = ProcessPending(kChunk, false); !s.ok()) return error = s;
  if (Status s = ProcessPending(pending.size(), true); !s.ok()) return error = s;
  // End-of-data matches (patterns anchored with $) are reported when a stream closes.
  for (int v = 0; v < kViewCount; ++v) {
    ViewBuffer& vb = views[v];
    if (!vb.stream) continue;
    CallbackCtx ctx{&vb, &eng->view_pattern_rule[v]};
    hs_close_stream(vb.stream, scratch, OnHit, &ctx);
    vb.stream = nullptr;
  }
  // Squeezed patterns cannot match at end of data (engine.cc checks), so nothing to report.
  if (squeezed_stream) hs_close_stream(squeezed_stream, scratch, nullptr, nullptr);
  squeezed_stream = nullptr;
  ConfirmReady(true);
  finished = true;
  return BuildResult(out);
}

ScanSession::ScanSession(std::unique_ptr<State> state) : state_(std::move(state)) {}
ScanSession::~ScanSession() = default;
Status ScanSession::Feed(std::string_view chunk) { return state_->Feed(chunk); }
Status ScanSession::Finish(ScanResult* out) { return state_->Finish(out); }

}  // namespace dlp
