// Engine: scans text with a compiled rule pack and returns findings and a verdict.
//
// Pipeline (docs/ARCHITECTURE.md): normalize into views -> Hyperscan (one streaming database per
// view, all rules at once, no start-of-match tracking) -> confirm only the rules that fired, in a
// window around each hit, with a per-rule start-of-match database -> boundaries, position, case
// and validator -> context score -> aggregates -> policy.
//
// Inputs of any size are scanned as a stream in bounded memory: ScanSession keeps only a window
// of the normalized text behind the scan position.
//
// Thread safety: an Engine is immutable after Create() and may be shared by threads; each thread
// gets its own Hyperscan scratch. A ScanSession belongs to one thread at a time.
#ifndef DLP_ENGINE_H_
#define DLP_ENGINE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dlp/rule_pack.h"
#include "dlp/status.h"

namespace dlp {

struct Finding {
  std::string rule_id;
  std::string type;
  Severity severity = Severity::kMedium;
  double confidence = 0;
  uint64_t start = 0;  // UTF-8 byte offsets into the caller's original text
  uint64_t end = 0;
  std::string masked;  // the matched value with most characters hidden; never the raw value
};

struct ScanOptions {
  std::string destination = "public_ai";  // a group name, host or URL
  int current_year = 0;                     // 0: the system clock's year
  size_t max_findings = 10000;              // beyond this only counts grow
};

struct ScanResult {
  Action action = Action::kAllow;
  std::string group;                 // destination group that decided
  std::vector<Finding> findings;     // sorted by start
  std::vector<size_t> justifying;    // indexes into findings that set `action`
  uint64_t bytes_scanned = 0;
  uint64_t findings_dropped = 0;     // over max_findings
  // Findings per type, including those over max_findings (for counts-only reports).
  std::map<std::string, uint64_t> type_counts;
};

// What compiling a pack cost, for the officer's `dlp-rules compile` and for benchmarks.
struct EngineStats {
  double compile_ms = 0;
  size_t rules = 0, patterns = 0;
  size_t view_db_bytes[kViewCount] = {};        // streaming databases, the rules of a view
  size_t stream_state_bytes[kViewCount] = {};   // per open stream
  // Loose patterns searched as literals on the loose view without whitespace (keywords and
  // spaced-letter stamps), then confirmed on the loose view; their database and stream state.
  size_t squeezed_patterns = 0;
  // Rules with `require_first`, searched only around their required phrases, and those phrases
  // (literals in the view databases, counted apart from `patterns`, which are the rules' own).
  size_t gated_rules = 0;
  size_t gate_phrases = 0;
  // Number rules whose required phrases are indexed (EngineOptions::index_required_phrases),
  // and those phrases (literals in the squeezed database).
  size_t phrase_indexed_rules = 0;
  size_t indexed_phrases = 0;
  size_t squeezed_db_bytes = 0;
  size_t squeezed_stream_state_bytes = 0;
  size_t confirm_db_bytes = 0;                  // the per-rule confirm databases together
  size_t scratch_bytes = 0;                     // one scratch space
  bool from_cache = false;                      // databases were read from EngineOptions::cache_dir
};

struct EngineOptions {
  // Where compiled databases are kept between runs (a service's state directory). They are
  // specific to the CPU and the Hyperscan build, so the file name is a key of both and of every
  // pattern; a missing, stale or corrupt file is simply recompiled. "" disables the cache.
  std::string cache_dir;
  // Gapped keyword patterns (`chan\s{1,4}doan`) are found as literals on the loose view with its
  // whitespace removed, then confirmed on the loose view; same findings, a faster scan. Off only
  // for comparisons (tests, benchmarks).
  bool squeeze_keywords = true;
  // A hit is confirmed by scanning backwards from its end with the rule's patterns reversed,
  // which lists the starts of the matches ending there; same findings as start-of-match
  // tracking, several times cheaper. Off only for comparisons.
  bool reverse_confirm = true;
  // Rules with `require_first` are not in the view databases: their required phrases are, as
  // literals, and a phrase's hit has the rule's patterns run over the stretch of text where a
  // match could have that phrase in its context window. Same findings; off only for comparisons.
  bool gate_required_context = true;
  // Other rules that need a phrase nearby (`require` without `require_first` or
  // `require_patterns`, on the loose view) have their phrases in the squeezed database too, as
  // literals: a candidate with no phrase ending near it fails `require` without its context
  // being read. Needs squeeze_keywords. Same findings; off only for comparisons.
  bool index_required_phrases = true;
};

class ScanSession;

class Engine {
 public:
  // Compiles `pack`. Errors name the file, line and rule id of a pattern Hyperscan rejects.
  static Status Create(RulePack pack, std::unique_ptr<Engine>* out);
  static Status Create(RulePack pack, const EngineOptions& options, std::unique_ptr<Engine>* out);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Scans one text held in memory.
  Status Scan(std::string_view text, const ScanOptions& options, ScanResult* out) const;
  // Starts a streaming scan (for stdin and large files).
  std::unique_ptr<ScanSession> NewSession(const ScanOptions& options) const;

  const RulePack& pack() const;
  const EngineStats& stats() const;
  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class ScanSession;
};

class ScanSession {
 public:
  ~ScanSession();
  // Feeds the next bytes of the text; may be called any number of times.
  Status Feed(std::string_view chunk);
  // Ends the text and produces the result. The session cannot be fed afterwards.
  Status Finish(ScanResult* out);
  struct State;

 private:
  friend class Engine;
  explicit ScanSession(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace dlp

#endif  // DLP_ENGINE_H_
