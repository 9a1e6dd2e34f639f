// Streaming scan: normalize a chunk into both views, run the view databases in Hyperscan stream
// mode, then confirm the hits that have enough text after them for context checks. Only a
// window of each view is kept, so memory stays bounded whatever the input size.
#include <algorithm>
#include <bit>
#include <cstring>

#include "scan_session_state.h"

namespace dlp {
namespace {

constexpr uint64_t kKeepBehind = 16 * 1024;  // view bytes kept behind the scan position
constexpr size_t kTrimAt = 256 * 1024;     // trim a window only when it grows past this

struct CallbackCtx {
  ViewBuffer* vb;
  const std::vector<int>* pattern_rule;
  std::vector<GateHit>* gates;           // where a gated rule's phrase hits go
  const std::vector<uint32_t>* gate_len;  // per pattern id of the loose database
};

int OnHit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<CallbackCtx*>(ctx);
  const int rule = (*c->pattern_rule)[id];
  if (rule >= 0) c->vb->hits.push_back({rule, to});
  else c->gates->push_back({-rule - 1, to, (*c->gate_len)[id]});
  return 0;
}

int OnGateSpan(unsigned, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::vector<uint64_t>*>(ctx)->push_back(to);
  return 0;
}

// The last '\n' in [b, e) of `text`, or `e` if none; eight bytes a step (a finding's line is
// looked for up to kLineReach bytes back, and a byte loop was half of AddFinding's time).
size_t LastNewline(const char* text, size_t b, size_t e) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full, kNewlines = 0x0A0A0A0A0A0A0A0Aull;
  size_t p = e;
  while (p - b >= 8) {
    uint64_t w;
    std::memcpy(&w, text + p - 8, 8);
    const uint64_t x = w ^ kNewlines;  // a '\n' byte is 0 here
    // Bit 7 of each byte set unless the byte is 0; exact, since no byte carries into the next.
    const uint64_t zero = ~(((x & kLow7) + kLow7) | x) & ~kLow7;
    if (zero != 0) return p - 8 + static_cast<size_t>((63 - std::countl_zero(zero)) >> 3);
    p -= 8;
  }
  while (p > b)
    if (text[--p] == '\n') return p;
  return e;
}

// The line a view position is on, as the original offset of the line break before it (or of a
// 4 KiB block for a very long line), so findings on one line can be told to belong together.
uint64_t LineKey(const ViewBuffer& vb, uint64_t s) {
  const uint64_t floor = std::max(vb.base, s > kLineReach ? s - kLineReach : 0);
  if (s > floor) {
    const size_t b = static_cast<size_t>(floor - vb.base), e = static_cast<size_t>(s - vb.base);
    const size_t nl = LastNewline(vb.buf.text.data(), b, e);
    // Keys are original offsets: findings of the exact and the loose view must agree on lines.
    if (nl != e) return vb.OriginalBegin(vb.base + nl);
  }
  if (floor == 0) return ~uint64_t{0};  // the first line of the text
  return ((vb.OriginalBegin(s) / 4096) << 1) | 1;  // a very long line: its block
}

struct SqueezedCtx {
  ViewBuffer* loose;
  const std::vector<int>* pattern_rule;
  std::vector<GateHit>* gates;           // where a gated rule's phrase hits go
  const std::vector<uint32_t>* gate_len;  // per pattern id of the squeezed database
  const std::vector<bool>* indexed;       // per rule: its phrases go to phrase_ends instead
  std::vector<std::vector<uint64_t>>* phrase_ends;
  const internal::SqueezedChunk* chunk;
  uint64_t squeezed_base;  // stream offset of the chunk's first squeezed byte
  uint64_t loose_base;     // global loose-view offset of the chunk's first byte
};

// A squeezed hit becomes a hit of the loose view, ending after the same byte.
int OnSqueezedHit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<SqueezedCtx*>(ctx);
  uint64_t end = c->loose_base + c->chunk->LooseEnd(static_cast<size_t>(to - c->squeezed_base));
  const int rule = (*c->pattern_rule)[id];
  if (rule >= 0) c->loose->hits.push_back({rule, end});
  else if ((*c->indexed)[-rule - 1]) (*c->phrase_ends)[-rule - 1].push_back(end);
  else c->gates->push_back({-rule - 1, end, (*c->gate_len)[id]});
  return 0;
}

}  // namespace

uint64_t ViewBuffer::FromOriginal(uint64_t orig) const {
  return base + buf.FromOriginal(orig, &map_hint);
}

void ViewBuffer::TrimBefore(uint64_t keep_from) {
  if (keep_from <= base) return;
  size_t n = static_cast<size_t>(std::min(keep_from, total) - base);
  buf.TrimFront(n);
  base += n;
  map_hint = 0;
}

Status ScanSession::State::Feed(std::string_view chunk) {
  if (!error.ok()) return error;
  if (finished) return Status::InvalidArgument("scan session already finished");
  while (!chunk.empty()) {
    if (pending.empty() && chunk.size() >= kSessionChunk * 2) {
      // A large piece is normalized where it lies: copying it into `pending` and moving the
      // rest down after each chunk was an extra pass over every byte.
      size_t cut = 0;
      if (Status s = Process(chunk.substr(0, kSessionChunk), false, &cut); !s.ok()) return error = s;
      chunk.remove_prefix(cut);
      continue;
    }
    size_t take = std::min(chunk.size(), kSessionChunk * 2 - pending.size());
    pending.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (pending.size() >= kSessionChunk * 2)
      if (Status s = ProcessPending(kSessionChunk, false); !s.ok()) return error = s;
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
    // once, instead of letting the first chunks reallocate and copy the text and the offset
    // map's pieces (at most one per byte). Pages are touched only as they are written.
    constexpr size_t kSteady = kTrimAt + 2 * kSessionChunk;
    for (auto& vb : views) {
      NormalizedView& b = vb.buf;
      if (b.text.capacity() < kSteady) b.text.reserve(kSteady);
      if (b.pieces.capacity() < kSteady) b.pieces.reserve(kSteady);
    }
  }
  eng->norm->NormalizeBoth(input, consumed, &views[0].buf, &views[1].buf);
  for (int v = 0; v < kViewCount; ++v) {
    ViewBuffer& vb = views[v];
    size_t old = old_size[v];
    vb.total += vb.buf.text.size() - old;
    if (!vb.stream || vb.buf.text.size() == old) continue;
    CallbackCtx ctx{&vb, &eng->view_pattern_rule[v], &gates, &eng->gate_len[v]};
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
  SqueezedCtx ctx{&loose,
                  &eng->view_pattern_rule[kSqueezedDb],
                  &gates,
                  &eng->gate_len[kSqueezedDb],
                  &eng->phrase_indexed,
                  &phrase_ends,
                  &squeezed,
                  squeezed_total,
                  loose.base + old};
  if (hs_scan_stream(squeezed_stream, squeezed.text().data(),
                     static_cast<unsigned>(squeezed.text().size()), 0, scratch, OnSqueezedHit,
                     &ctx) != HS_SUCCESS)
    return Status::Internal("Hyperscan stream scan failed");
  squeezed_total += squeezed.text().size();
  return Status::OK();
}

// Turns the phrase hits of gated rules into hits of the rules themselves. A match [s, e) has a
// phrase [ps, pe) in its context when the phrase lies in [s - before, s) or in [e, e + after),
// so its end lies in [pe - after - width, ps + before + width] and so does its start: the rule's
// confirm database (start-of-match, block mode) over that stretch lists every end the full
// stream scan would have given that can pass `require`. Phrases are taken in the order found,
// each once its stretch is all there; stretches of one rule only move forward, so ends at or
// before the last stretch's end were already found there. (Hyperscan reports a scan's matches
// in order of their ends; the sort keeps that true here whatever the engine does.)
void ScanSession::State::OpenGates(bool last) {
  ViewBuffer& loose = views[static_cast<int>(ViewKind::kLoose)];
  std::stable_sort(gates.begin(), gates.end(),
                   [](const GateHit& a, const GateHit& b) { return a.end < b.end; });
  std::vector<uint64_t>& ends = gate_ends_;
  size_t k = 0;
  for (; k < gates.size(); ++k) {
    const GateHit& g = gates[k];
    const Rule& r = eng->pack.rules[g.rule];
    const uint64_t width = eng->max_width[g.rule];
    const uint64_t back = static_cast<uint64_t>(r.context.window_after) + width;
    const uint64_t from = std::max(loose.base, g.end > back ? g.end - back : 0);
    // A squeezed hit can be shorter than the phrase (its spaces left out), even at the start.
    const uint64_t phrase_start = g.end > g.len ? g.end - g.len : 0;
    uint64_t to = phrase_start + static_cast<uint64_t>(r.context.window_before) + width;
    if (to > loose.total) {
      if (!last) break;
      to = loose.total;
    }
    if (to <= from) continue;
    ends.clear();
    hs_scan(eng->confirm_db[g.rule].get(), loose.buf.text.data() + (from - loose.base),
            static_cast<unsigned>(to - from), 0, scratch, OnGateSpan, &ends);
    for (uint64_t e : ends)
      if (from + e > gated_until[g.rule]) loose.hits.push_back({g.rule, from + e});
    gated_until[g.rule] = std::max(gated_until[g.rule], to);
  }
  gates.erase(gates.begin(), gates.begin() + static_cast<std::ptrdiff_t>(k));
}

void ScanSession::State::ConfirmReady(bool last) {
  OpenGates(last);
  for (int v = 0; v < kViewCount; ++v) {
    ViewBuffer& vb = views[v];
    uint64_t ready_until = last ? UINT64_MAX
                                : (vb.total > eng->max_after + kLineReach
                                       ? vb.total - eng->max_after - kLineReach : 0);
    // Both buffers are members, emptied but kept, so a chunk's confirm allocates nothing once
    // the first chunks have sized them.
    std::vector<Hit>& later = later_;
    later.clear();
    by_rule_.resize(eng->pack.rules.size());
    for (const Hit& h : vb.hits) {
      if (h.end <= ready_until) by_rule_[h.rule].push_back(h.end);
      else later.push_back(h);
    }
    vb.hits.swap(later);
    for (size_t r = 0; r < by_rule_.size(); ++r) {
      if (by_rule_[r].empty()) continue;
      ConfirmRule(static_cast<int>(r), vb, by_rule_[r]);
      by_rule_[r].clear();
    }
    if (v == static_cast<int>(ViewKind::kLoose)) ForgetPhrases(ready_until);
    // Keep enough behind the oldest waiting hit for its confirm window and context.
    uint64_t keep = vb.total > kKeepBehind ? vb.total - kKeepBehind : 0;
    for (const Hit& h : vb.hits)
      keep = std::min(keep, h.end > kKeepBehind ? h.end - kKeepBehind : 0);
    if (v == static_cast<int>(ViewKind::kLoose))  // and a waiting phrase's stretch
      for (const GateHit& g : gates)
        keep = std::min(keep, g.end > kKeepBehind ? g.end - kKeepBehind : 0);
    if (vb.buf.text.size() > kTrimAt) vb.TrimBefore(keep);
  }
}

// Phrase ends no candidate can reach any more: every hit still to come ends after
// `ready_until`, so its spans start after ready_until - width and its window begins after
// ready_until - width - window_before.
void ScanSession::State::ForgetPhrases(uint64_t ready_until) {
  for (size_t r = 0; r < phrase_ends.size(); ++r) {
    std::vector<uint64_t>& ends = phrase_ends[r];
    if (ends.empty()) continue;
    if (ready_until == UINT64_MAX) {
      ends.clear();
      continue;
    }
    const uint64_t reach = eng->max_width[r] + static_cast<uint64_t>(
                                                   eng->pack.rules[r].context.window_before);
    const uint64_t floor = ready_until > reach ? ready_until - reach : 0;
    ends.erase(ends.begin(), std::upper_bound(ends.begin(), ends.end(), floor));
  }
}

// Whether an indexed rule's candidate [s, e) of the loose view has a require phrase that could
// lie in its context window: ScoreContext looks for a phrase inside [s - before, s) or inside
// [e, e + after), so its end is in (s - before, e + after]. The phrase ends come from the
// squeezed database, whose literals match wherever the phrase does: without one here,
// `require` fails.
bool ScanSession::State::PhraseNear(int rule, uint64_t s, uint64_t e) const {
  const ContextSpec& c = eng->pack.rules[rule].context;
  const std::vector<uint64_t>& ends = phrase_ends[rule];
  const uint64_t lo = s > static_cast<uint64_t>(c.window_before) ? s - c.window_before : 0;
  auto it = std::upper_bound(ends.begin(), ends.end(), lo);
  return it != ends.end() && *it <= e + static_cast<uint64_t>(c.window_after);
}

bool ScanSession::State::Accept(int rule, const ViewBuffer& vb, uint64_t s, uint64_t e,
                                double* confidence, uint64_t* os_out, uint64_t* oe_out) {
  const Rule& r = eng->pack.rules[rule];
  if (e <= s || !vb.Has(s)) return false;
  std::string_view matched = vb.Slice(s, e);
  if (!CheckBoundary(r, vb, s, e) || !CheckCase(r, matched) || !CheckPosition(r, vb, s, e))
    return false;
  if (r.validator && !r.validator(matched, vctx)) return false;
  // The span in original bytes (AddFinding reports it). Context is read on the loose view
  // (phrases) and the exact view (patterns), whichever view the rule matched on: the span is
  // mapped through original offsets, and only for rules that have context to read.
  const ViewBuffer& loose = views[static_cast<int>(ViewKind::kLoose)];
  const ViewBuffer& exact = views[static_cast<int>(ViewKind::kExact)];
  const uint64_t os = vb.OriginalBegin(s), oe = vb.OriginalEnd(e);
  *os_out = os;
  *oe_out = oe;
  uint64_t ls = 0, le = 0, es = 0, ee = 0;  // not read by ScoreContext without context
  if (HasContext(r, eng->require_re[rule])) {
    ls = &vb == &loose ? s : loose.FromOriginal(os);
    le = &vb == &loose ? e : loose.FromOriginal(oe);
    es = &vb == &exact ? s : exact.FromOriginal(os);
    ee = &vb == &exact ? e : exact.FromOriginal(oe);
  }
  return ScoreContext(r, eng->require_re[rule], loose, ls, le, exact, es, ee, &context_,
                      confidence);
}

void ScanSession::State::AddFinding(int rule, const ViewBuffer& vb, uint64_t s, uint64_t e,
                                    uint64_t os, uint64_t oe, double confidence) {
  const Rule& r = eng->pack.rules[rule];
  std::string_view value = vb.Slice(s, e);
  for (size_t a = 0; a < eng->pack.aggregates.size(); ++a) {
    const AggregateRule& ag = eng->pack.aggregates[a];
    if (std::find(ag.of_types.begin(), ag.of_types.end(), r.type) == ag.of_types.end()) continue;
    agg.people[a].Add(ValueKey(r.type, value), LineKey(vb, s), rule);
    agg.span[a].first = std::min(agg.span[a].first, os);
    agg.span[a].second = std::max(agg.span[a].second, oe);
  }
  // Past the cap a finding is only counted: a bulk export (a citizens' list, say) has tens of
  // thousands, and building each one's strings and masked excerpt to drop it was most of the
  // cost of confirming them.
  if (findings.size() >= opt.max_findings) {
    ++dropped;
    ++dropped_by_rule[rule];
    return;
  }
  // Shown values come from the exact view, so a stamp reads "TỐI MẬT" as the user wrote it.
  const ViewBuffer& exact = views[static_cast<int>(ViewKind::kExact)];
  std::string_view shown = value;
  if (&vb != &exact) {
    uint64_t es = exact.FromOriginal(os), ee = exact.FromOriginal(oe);
    if (es >= exact.base && es < ee && ee <= exact.total) shown = exact.Slice(es, ee);
  }
  findings.push_back(
      Finding{r.id, r.type, r.severity, confidence, os, oe, MaskValue(r.type, shown)});
}

Status ScanSession::State::Finish(ScanResult* out) {
  if (!error.ok()) return error;
  if (finished) return Status::InvalidArgument("scan session already finished");
  while (pending.size() > kSessionChunk)
    if (Status s = ProcessPending(kSessionChunk, false); !s.ok()) return error = s;
  if (Status s = ProcessPending(pending.size(), true); !s.ok()) return error = s;
  // End-of-data matches (patterns anchored with $) are reported when a stream closes.
  for (int v = 0; v < kViewCount; ++v) {
    ViewBuffer& vb = views[v];
    if (!vb.stream) continue;
    CallbackCtx ctx{&vb, &eng->view_pattern_rule[v], &gates, &eng->gate_len[v]};
    // A reset reports what a close would and leaves the stream open for the state's next scan.
    if (hs_reset_stream(vb.stream, 0, scratch, OnHit, &ctx) != HS_SUCCESS)
      return error = Status::Internal("Hyperscan stream reset failed");
  }
  // Squeezed patterns cannot match at end of data (engine.cc checks), so nothing to report.
  ConfirmReady(true);
  finished = true;
  return BuildResult(out);
}

Status ScanSession::Feed(std::string_view chunk) { return state_->Feed(chunk); }
Status ScanSession::Finish(ScanResult* out) { return state_->Finish(out); }

}  // namespace dlp
