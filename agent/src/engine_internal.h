// Engine internals shared by engine.cc, scan_session.cc and the confirm/score steps.
#ifndef DLP_AGENT_ENGINE_INTERNAL_H_
#define DLP_AGENT_ENGINE_INTERNAL_H_

#include <hs/hs.h>
#include <unicode/regex.h>

#include <bitset>
#include <memory>
#include <mutex>
#include <vector>

#include "dlp/engine.h"
#include "hs_database.h"

namespace dlp {

// The stream databases of an engine: one per view, then the squeezed loose view.
inline constexpr int kSqueezedDb = kViewCount;
inline constexpr int kStreamDbCount = kViewCount + 1;

// How many ends of a run of consecutive hit ends, less one, one backward scan of a rule's run
// database covers (Engine::Impl::run_db, AnchoredRunSpans). An e-mail address's run is its
// domain, a dozen or so bytes. Measured on the e-mail pattern: a scan costs as much as a plain
// backward scan up to 20 and three times as much from 24; the database is ~400 KB at 16 and
// compiles in ~0.17 s (cached), ~550 KB and ~0.3 s at 20.
inline constexpr unsigned kRunSkip = 16;

// The stream database a pattern of rule `r` (not a require_first rule) is searched in, with the
// expression and flags it has there: its view's, or, with `squeeze`, the squeezed form of a
// gapped loose pattern (squeeze.h), keywords narrowed to the rule's case. `expression` and
// `flags` come in as the rule wrote them. Engine::Create and dlp-bench's per-database timings
// both place patterns with it, so the two cannot drift apart.
int PlaceStreamPattern(const Rule& r, bool squeeze, std::string* expression, unsigned* flags);

// A pool of Hyperscan scratch spaces sized for every database of one engine. A session borrows
// one for its lifetime, so each thread scanning at once has its own (Hyperscan's rule).
class ScratchPool {
 public:
  ~ScratchPool();
  Status Init(const std::vector<const hs_database_t*>& dbs);
  hs_scratch_t* Acquire();
  size_t ScratchBytes() const;
  void Release(hs_scratch_t* s);

 private:
  std::mutex mu_;
  hs_scratch_t* prototype_ = nullptr;
  std::vector<hs_scratch_t*> free_;
};

// Session states kept for reuse (scan_session.cc). A paste's scan then allocates nothing for its
// views, streams and per-rule tables (a tenth of a 2 KiB paste's time went to malloc, free and
// zeroing); a state coming back is reset, and buffers a large text grew are released, so a kept
// state stays small. Returning a state resets it before it waits here: nothing of the previous
// text is reachable from a pooled state.
class SessionPool {
 public:
  ~SessionPool();
  // A state ready for a scan with `options`: a kept one, or a new one for `engine`.
  std::unique_ptr<ScanSession::State> Take(const Engine::Impl* engine, const ScanOptions& options);
  // Keeps `state` for the next scan if it is sound and the pool has room; frees it otherwise.
  void Give(std::unique_ptr<ScanSession::State> state);

 private:
  static constexpr size_t kMaxKept = 8;  // more than the service's workers
  std::mutex mu_;
  std::vector<ScanSession::State*> free_;
};

struct Engine::Impl {
  RulePack pack;
  std::unique_ptr<Normalizer> norm;
  // Streaming, no SOM: per view, the patterns of the rules on it; kSqueezedDb holds the loose
  // patterns that Hyperscan sees as literals once whitespace is removed (squeeze.h).
  HsDatabase view_db[kStreamDbCount];
  std::vector<int> view_pattern_rule[kStreamDbCount];  // pattern id -> rule index
  std::vector<HsDatabase> confirm_db;      // per rule: block mode with SOM, for exact spans
  std::vector<bool> anchored;              // per rule: confirm_db is '^'-anchored, not SOM
  // Per rule: its patterns reversed and '^'-anchored, scanned backwards from a hit's end to
  // find the starts of matches ending there in one call, without start-of-match tracking
  // (pattern_tokens.h); empty if a pattern cannot be reversed (confirm_db is used instead).
  std::vector<HsDatabase> reverse_db;
  // Per rule confirmed with anchored scans (`anchored`) that has reverse_db and whose hits are
  // its own match ends (not squeezed, not gated): its reversed patterns after a skip of up to
  // kRunSkip bytes, '^'-anchored. A backward scan from a position then lists the starts of the
  // matches ending there or up to kRunSkip bytes before (AnchoredRunSpans), so a run of
  // consecutive ends needs a scan per kRunSkip + 1 ends instead of one per end; empty otherwise.
  std::vector<HsDatabase> run_db;
  std::vector<bool> squeezed_rule;  // per rule: some of its patterns are in the squeezed database
  // Per rule: `require_first` in effect (EngineOptions::gate_required_context). Such a rule has
  // no patterns in the view databases; its require phrases are (in the squeezed one, or the
  // loose one without squeezing), each pattern id mapped to -(rule + 1) in view_pattern_rule,
  // with the phrase's length in the loose view in gate_len (0 for a rule's own patterns).
  std::vector<bool> gated;
  std::vector<uint32_t> gate_len[kStreamDbCount];
  // Per rule: its require phrases are also in the squeezed database
  // (EngineOptions::index_required_phrases), mapped to -(rule + 1) like a gated rule's (a rule
  // is never both), and a session keeps where they end (ScanSession::State::phrase_ends) to
  // reject candidates with none in reach before reading their context.
  std::vector<bool> phrase_indexed;
  std::vector<unsigned> max_width;         // per rule, in view bytes
  std::vector<std::bitset<256>> first_bytes;  // per rule: bytes a match can start with (superset)
  std::vector<std::vector<std::unique_ptr<icu::RegexPattern>>> require_re;  // per rule
  int max_before = 0;  // largest context/line look-behind of any rule, in view bytes
  int max_after = 0;
  mutable ScratchPool scratch;
  mutable SessionPool sessions;  // after `scratch`: a state freed with it gives its scratch back
  EngineStats stats;
};

}  // namespace dlp

#endif  // DLP_AGENT_ENGINE_INTERNAL_H_
