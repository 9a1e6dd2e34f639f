// The state of one streaming scan: a bounded window of each normalized view, the Hyperscan
// streams, the hits waiting for enough text after them to be confirmed, and the findings.
#ifndef DLP_AGENT_SCAN_SESSION_STATE_H_
#define DLP_AGENT_SCAN_SESSION_STATE_H_

#include <set>
#include <string>
#include <vector>

#include "engine_internal.h"
#include "people_counter.h"
#include "squeeze.h"

namespace dlp {

// Original bytes a session normalizes and scans per step (scan_session.cc); a state keeps
// buffers for two of them between scans (session_pool.cc).
inline constexpr size_t kSessionChunk = 128 * 1024;

// How far line checks look for a line break, either way. Hits are confirmed only once this much
// text (plus the widest context) follows them, so the matcher and the session must agree on it.
inline constexpr uint64_t kLineReach = 512;

struct Hit {
  int rule;
  uint64_t end;  // global offset in the view (bytes since the start of the text's view)
};

// A require phrase of a gated rule found on the loose view (EngineOptions::gate_required_context):
// the rule's matches are looked for around it once the text they could lie in is there.
struct GateHit {
  int rule;
  uint64_t end;  // global loose-view offset just past the phrase
  uint32_t len;  // the phrase's length
};

// A window of one view: buf.text[0] is global view offset `base`.
struct ViewBuffer {
  NormalizedView buf;
  uint64_t base = 0;
  uint64_t total = 0;  // view bytes produced so far
  hs_stream_t* stream = nullptr;
  std::vector<Hit> hits;

  bool Has(uint64_t g) const { return g >= base && g < total; }
  char At(uint64_t g) const { return buf.text[g - base]; }
  std::string_view Slice(uint64_t b, uint64_t e) const {
    return std::string_view(buf.text).substr(b - base, e - b);
  }
  // The original span of the view span [s, e) of global offsets is [OriginalBegin(s),
  // OriginalEnd(e)).
  uint64_t OriginalBegin(uint64_t s) const { return buf.OriginalBegin(s - base, &map_hint); }
  uint64_t OriginalEnd(uint64_t e) const { return buf.OriginalEnd(e - base, &map_hint); }
  // The first global view offset whose original offset is >= `orig` (total if none).
  uint64_t FromOriginal(uint64_t orig) const;
  // Where the offset map's next lookup starts (NormalizedView's hint): lookups cluster around
  // each finding, and findings come in order, so this saves most of a binary search each.
  mutable size_t map_hint = 0;
  // Drops bytes before global offset `keep_from`.
  void TrimBefore(uint64_t keep_from);
};

// People seen per aggregate rule (values kept as hashes, so no raw value is held).
struct AggregateState {
  std::vector<PeopleCounter> people;               // per aggregate rule
  std::vector<std::pair<uint64_t, uint64_t>> span;  // first start, last end per aggregate
};

// What ScoreContext reuses from one candidate to the next: the window text, and a table of the
// byte pairs seen in a stretch of the loose view that covers the window, marked with a stamp
// that changes per stretch so it is never cleared. A dense text's candidates (a CSV line per
// person, each number a candidate for several rules) have windows inside the stretch marked
// for an earlier one, so its pairs are not read again (context_scorer.cc).
struct ContextScratch {
  std::string hay;
  std::vector<uint16_t> pair_seen = std::vector<uint16_t>(4096);
  uint16_t stamp = 0;
  uint64_t marked_from = UINT64_MAX, marked_to = 0;  // loose bytes whose pairs carry `stamp`
  uint64_t last_start = 0;  // the previous candidate's start in the loose view
  void Forget() {
    marked_from = UINT64_MAX;
    marked_to = last_start = 0;
  }
};

struct ScanSession::State {
  State(const Engine::Impl* engine, const ScanOptions& options);
  ~State();

  Status Feed(std::string_view chunk);
  Status Finish(ScanResult* out);

  // For SessionPool. Reset() makes a state that ran a scan (finished or not) as it was built:
  // streams reset, every per-scan field emptied, buffers grown past what a paste needs released
  // (false if Hyperscan could not reset a stream: the state must then be freed). Start() sets the
  // next scan's options. Reusable(): the scratch and streams are there and no internal error left
  // it in doubt.
  bool Reset();
  void Start(const ScanOptions& options);
  bool Reusable() const;

  const Engine::Impl* eng;
  ScanOptions opt;
  ValidatorContext vctx;
  hs_scratch_t* scratch = nullptr;
  ViewBuffer views[kViewCount];
  // The squeezed loose view (squeeze.h): only the current chunk is kept, to map hits back.
  hs_stream_t* squeezed_stream = nullptr;
  // The stream of database v (0 .. kStreamDbCount - 1: the views', then the squeezed one).
  hs_stream_t*& Stream(int v) { return v == kSqueezedDb ? squeezed_stream : views[v].stream; }
  hs_stream_t* Stream(int v) const { return v == kSqueezedDb ? squeezed_stream : views[v].stream; }
  internal::SqueezedChunk squeezed;
  uint64_t squeezed_total = 0;  // squeezed bytes scanned before the current chunk
  std::string reversed_;        // Reversed(): view text before an end, backwards
  ContextScratch context_;      // Accept: ScoreContext's buffers
  std::vector<Hit> later_;                       // ConfirmReady: hits not yet ready
  std::vector<std::vector<uint64_t>> by_rule_;   // ConfirmReady: ready hits' ends per rule
  // Confirm's buffers (scan_confirm.cc), emptied and reused like the two above.
  std::vector<std::pair<uint64_t, uint64_t>> spans_;         // ConfirmRule: candidate spans
  std::vector<std::pair<uint64_t, uint64_t>> window_spans_;  // one forward scan's spans
  std::vector<std::pair<unsigned, uint64_t>> matches_;       // MatchesEndingAt's output
  std::vector<std::pair<uint64_t, uint64_t>> found_;         // AnchoredSpansByEnd
  std::vector<uint64_t> real_;  // AnchoredSpansByEnd's real ends, AnchoredRunSpans' starts
  std::vector<uint64_t> gate_ends_;                          // OpenGates: one stretch's ends
  std::string pending;      // original bytes not yet normalized
  uint64_t consumed = 0;    // original bytes normalized so far
  std::vector<uint64_t> confirmed_until;  // per rule: matches must start at or after this
  std::vector<GateHit> gates;             // phrase hits of gated rules, in the order found
  std::vector<uint64_t> gated_until;      // per gated rule: loose text searched up to here
  // Per phrase-indexed rule (Engine::Impl::phrase_indexed): where its require phrases end in
  // the loose view, in order, back to what a waiting candidate can still reach.
  std::vector<std::vector<uint64_t>> phrase_ends;
  std::vector<Finding> findings;
  uint64_t dropped = 0;
  std::vector<uint64_t> dropped_by_rule;  // per rule, for ScanResult::type_counts
  AggregateState agg;
  Status error;
  bool finished = false;

 private:
  Status Process(std::string_view input, bool last, size_t* cut);
  Status ProcessPending(size_t bytes, bool last);
  Status ScanSqueezed(size_t old);
  void ForgetPhrases(uint64_t ready_until);
  bool PhraseNear(int rule, uint64_t s, uint64_t e) const;
  void ConfirmReady(bool last);
  void OpenGates(bool last);
  void ConfirmRule(int rule, ViewBuffer& vb, std::vector<uint64_t>& ends);
  void AnchoredSpans(int rule, const ViewBuffer& vb, const std::vector<uint64_t>& ends,
                     std::vector<std::pair<uint64_t, uint64_t>>* spans);
  void AnchoredSpansBackward(int rule, const ViewBuffer& vb, const std::vector<uint64_t>& ends,
                             std::vector<std::pair<uint64_t, uint64_t>>* spans);
  void AnchoredSpansByEnd(int rule, const ViewBuffer& vb, const uint64_t* begin,
                          const uint64_t* end, std::vector<std::pair<uint64_t, uint64_t>>* spans);
  bool AnchoredRunSpans(int rule, const ViewBuffer& vb, uint64_t first, uint64_t last,
                        std::vector<std::pair<uint64_t, uint64_t>>* spans);
  const char* Reversed(const ViewBuffer& vb, uint64_t from, uint64_t e);
  void MatchesEndingAt(int rule, const ViewBuffer& vb, uint64_t e,
                       std::vector<std::pair<unsigned, uint64_t>>* out);
  void ReverseSpans(int rule, const ViewBuffer& vb, const std::vector<uint64_t>& ends,
                    std::vector<std::pair<uint64_t, uint64_t>>* spans);
  // Checks a candidate span [s, e) of `vb`; when it passes, its original span is in *os, *oe.
  bool Accept(int rule, const ViewBuffer& vb, uint64_t s, uint64_t e, double* confidence,
              uint64_t* os, uint64_t* oe);
  // Records a finding for [s, e) of `vb`, whose original span Accept found ([os, oe)).
  void AddFinding(int rule, const ViewBuffer& vb, uint64_t s, uint64_t e, uint64_t os,
                  uint64_t oe, double confidence);
  Status BuildResult(ScanResult* out);  // policy.cc
};

// Shape checks on a candidate span [s, e) of view `vb` (matcher.cc).
bool CheckBoundary(const Rule& r, const ViewBuffer& vb, uint64_t s, uint64_t e);
bool CheckCase(const Rule& r, std::string_view matched);
// The part of CheckBoundary that depends on the end alone: when true, no span ending at `e` can
// pass CheckBoundary, whatever its start, so the hit need not be confirmed.
bool EndBoundaryFails(const Rule& r, const ViewBuffer& vb, uint64_t e);
bool CheckPosition(const Rule& r, const ViewBuffer& vb, uint64_t s, uint64_t e);
// The part of the own-line check that needs only the end of a match: run before confirming, it
// discards most hits of stamp words in running text without any start-of-match work.
bool LineAfterIsClear(const Rule& r, const ViewBuffer& vb, uint64_t e);
// True if the rule reads anything around a match (words, patterns); else ScoreContext needs no
// windows and its view offsets are not read.
bool HasContext(const Rule& r, const std::vector<std::unique_ptr<icu::RegexPattern>>& require_re);
// Context score (context_scorer.cc): false if a required word or pattern is missing, else
// sets *confidence. `loose` is searched for phrases, `exact` for require_patterns.
bool ScoreContext(const Rule& r, const std::vector<std::unique_ptr<icu::RegexPattern>>& require_re,
                  const ViewBuffer& loose, uint64_t ls, uint64_t le, const ViewBuffer& exact,
                  uint64_t es, uint64_t ee, ContextScratch* scratch, double* confidence);
// Masking (masking.cc): a display form of a finding that hides most of the value.
std::string MaskValue(std::string_view type, std::string_view value);
// A key of a finding's value for counting distinct values without keeping them.
uint64_t ValueKey(std::string_view type, std::string_view value);

}  // namespace dlp

#endif  // DLP_AGENT_SCAN_SESSION_STATE_H_
