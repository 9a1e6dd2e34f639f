// Engine::Create compiles a pack; Engine::Scan runs one in-memory text through a session.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>

#include "engine_internal.h"
#include "engine_cache.h"
#include "first_bytes.h"
#include "gate_literals.h"
#include "pattern_tokens.h"
#include "scan_session_state.h"
#include "squeeze.h"

namespace dlp {
namespace {

// Hyperscan rejects unbounded repeats in a confirm window; patterns must say how long a match
// can be so that a window around each hit is enough to recover it.
constexpr unsigned kMaxPatternWidth = 4096;
// Above this match width, confirm with anchored starts rather than start-of-match tracking.
constexpr unsigned kMaxSomWidth = 160;

unsigned FlagsFor(const Rule& r, bool som) {
  // Byte mode, not HS_FLAG_UTF8: views are valid UTF-8 already, and negated classes over
  // multi-byte code points make databases far larger (the e-mail pattern would not compile).
  unsigned f = 0;
  if (r.caseless) f |= HS_FLAG_CASELESS;
  if (som) f |= HS_FLAG_SOM_LEFTMOST;
  return f;
}

// The pattern rewritten for the squeezed loose view, if it can be (squeeze.h) and Hyperscan
// agrees that the result is a pattern that cannot match empty.
bool SqueezedForm(const std::string& pattern, unsigned flags, std::string* out) {
  std::string squeezed;
  if (!internal::SqueezePattern(pattern, &squeezed)) return false;
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(squeezed.c_str(), flags, &info, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return false;
  }
  const bool ok = info->min_width > 0 && !info->matches_at_eod && !info->matches_only_at_eod;
  std::free(info);
  if (ok) *out = std::move(squeezed);
  return ok;
}

std::string Where(const Rule& r) {
  return r.file + ":" + std::to_string(r.line) + ": rule '" + r.id + "'";
}

}  // namespace

int PlaceStreamPattern(const Rule& r, bool squeeze, std::string* expression, unsigned* flags) {
  if (r.view != ViewKind::kLoose || !squeeze || !SqueezedForm(*expression, *flags, expression))
    return static_cast<int>(r.view);
  // A stamp keyword that must not be all lower case need not be found where it is.
  std::string narrowed;
  if (r.case_rule != CaseRule::kAny && (*flags & HS_FLAG_CASELESS) &&
      internal::NarrowKeywordCase(*expression, r.case_rule == CaseRule::kUpper, &narrowed)) {
    *expression = std::move(narrowed);
    *flags &= ~static_cast<unsigned>(HS_FLAG_CASELESS);
  }
  return kSqueezedDb;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
const RulePack& Engine::pack() const { return impl_->pack; }
const EngineStats& Engine::stats() const { return impl_->stats; }

Status Engine::Create(RulePack pack, std::unique_ptr<Engine>* out) {
  return Create(std::move(pack), EngineOptions(), out);
}

namespace {

// What to compile for one rule: its patterns as the view database sees them (no SOM) and as its
// confirm database does, and the widest match.
struct RulePlan {
  std::vector<HsPattern> confirm;
  unsigned width = 0;
};

// Compiles a rule's confirm database: start-of-match tracking where Hyperscan can, else the
// patterns anchored at '^' (SOM cannot handle long bounded repeats: "Pattern is too large", and
// Hyperscan takes a second to say so), where the start is known without tracking.
Status CompileConfirm(const Rule& r, RulePlan plan, HsDatabase* db, bool* anchored) {
  int bad = -1;
  *anchored = plan.width > kMaxSomWidth;
  if (!*anchored && CompileHs(plan.confirm, HS_MODE_BLOCK, db, &bad).ok()) return Status::OK();
  *anchored = true;
  for (auto& p : plan.confirm) {
    p.expression = "^(?:" + p.expression + ")";
    p.flags &= ~HS_FLAG_SOM_LEFTMOST;
  }
  if (Status s = CompileHs(plan.confirm, HS_MODE_BLOCK, db, &bad); !s.ok())
    return Status::InvalidArgument(Where(r) + ": pattern " + std::to_string(bad + 1) + " '" +
                                   r.patterns[bad >= 0 ? bad : 0] + "': " + s.message());
  return Status::OK();
}

// The reversed patterns of a rule, so the starts of the matches ending at a hit are found by
// one backward scan from it: several times cheaper than a start-of-match scan of a window, and
// for anchored rules far cheaper than a forward scan from every candidate start. Leaves `db`
// empty when a pattern is outside what ReversePattern understands or Hyperscan refuses the
// result; the session then uses the confirm database. With `runs`, `run` gets the same patterns
// after a skip of up to kRunSkip bytes (Engine::Impl::run_db), or stays empty.
void CompileReverse(const Rule& r, bool runs, HsDatabase* db, HsDatabase* run) {
  std::vector<HsPattern> reversed, skipped;
  for (size_t pi = 0; pi < r.patterns.size(); ++pi) {
    std::string rev;
    if (!internal::ReversePattern(r.patterns[pi], &rev)) return;
    reversed.push_back({"^(?:" + rev + ")", FlagsFor(r, false), static_cast<unsigned>(pi)});
    if (runs)
      skipped.push_back({"^[\\x00-\\xff]{0," + std::to_string(kRunSkip) + "}(?:" + rev + ")",
                        FlagsFor(r, false), static_cast<unsigned>(pi)});
  }
  int bad = -1;
  HsDatabase compiled;
  if (!CompileHs(reversed, HS_MODE_BLOCK, &compiled, &bad).ok()) return;
  *db = std::move(compiled);
  if (runs && CompileHs(skipped, HS_MODE_BLOCK, &compiled, &bad).ok()) *run = std::move(compiled);
}

}  // namespace

Status Engine::Create(RulePack pack, const EngineOptions& options, std::unique_ptr<Engine>* out) {
  auto started = std::chrono::steady_clock::now();
  auto impl = std::make_unique<Impl>();
  if (Status s = Normalizer::Create(&impl->norm); !s.ok()) return s;
  std::vector<HsPattern> by_view[kStreamDbCount];
  std::vector<size_t> origin[kStreamDbCount];  // rule index per stream pattern id
  std::vector<RulePlan> plans(pack.rules.size());
  std::vector<bool> squeezed(pack.rules.size(), false);
  impl->gated.assign(pack.rules.size(), false);
  impl->phrase_indexed.assign(pack.rules.size(), false);
  for (size_t ri = 0; ri < pack.rules.size(); ++ri) {
    const Rule& r = pack.rules[ri];
    std::vector<std::pair<int, HsPattern>> stream;  // (database, pattern as it sees it)
    for (size_t pi = 0; pi < r.patterns.size(); ++pi) {
      HsPattern p{r.patterns[pi], FlagsFor(r, false), 0};
      unsigned w = 0;
      if (Status s = HsMaxWidth(p, &w); !s.ok())
        return Status::InvalidArgument(Where(r) + ": pattern " + std::to_string(pi + 1) + " '" +
                                       p.expression + "': " + s.message());
      if (w == UINT_MAX || w > kMaxPatternWidth)
        return Status::InvalidArgument(Where(r) + ": pattern " + std::to_string(pi + 1) + " '" +
                                       p.expression + "' can match more than " +
                                       std::to_string(kMaxPatternWidth) +
                                       " bytes; bound its repeats, e.g. {1,64} instead of +");
      plans[ri].width = std::max(plans[ri].width, w);
      const int db = PlaceStreamPattern(r, options.squeeze_keywords, &p.expression, &p.flags);
      stream.push_back({db, std::move(p)});
      plans[ri].confirm.push_back({r.patterns[pi], FlagsFor(r, true), static_cast<unsigned>(pi)});
    }
    // A gated rule's matches are found around its phrases with its confirm database, which must
    // track starts (an anchored one would need whole runs of ends; see AnchoredSpans).
    const bool gated = options.gate_required_context && internal::IsGated(r);
    if (gated && plans[ri].width > kMaxSomWidth)
      return Status::InvalidArgument(Where(r) + ": require_first: a match can be " +
                                     std::to_string(plans[ri].width) + " bytes long, more than " +
                                     std::to_string(kMaxSomWidth) + "; remove require_first");
    impl->gated[ri] = gated;
    std::vector<uint32_t> gate_len(stream.size(), 0);
    if (gated) {  // its phrases stand for it (gate_literals.h)
      stream.clear();
      gate_len.clear();
      const int db = options.squeeze_keywords ? kSqueezedDb : static_cast<int>(ViewKind::kLoose);
      for (auto& lit : internal::GateLiterals(r, db == kSqueezedDb)) {
        stream.push_back({db, {std::move(lit.expression), HS_FLAG_CASELESS, 0}});
        gate_len.push_back(lit.length);
      }
    }
    std::bitset<256> first;
    for (const auto& pattern : r.patterns) first |= internal::FirstBytes(pattern, r.caseless);
    // Its phrases found as it goes (engine_internal.h), where `require` is all the context that
    // can vouch for a candidate and the candidate's loose offsets are the window's; and only for
    // number rules (a match may start with any digit): those have a candidate at every long
    // enough number, most without a phrase near. A rule whose pattern starts with its own
    // letters has few candidates, and its phrases would cost the squeezed scan more than they
    // save (the Party header number: +3 % instructions on the prose corpus).
    bool digits = true;
    for (char c = '0'; c <= '9'; ++c) digits = digits && first[static_cast<unsigned char>(c)];
    const bool indexed = options.index_required_phrases && options.squeeze_keywords && !gated &&
                         r.view == ViewKind::kLoose && !r.context.require.empty() &&
                         r.context.require_patterns.empty() && digits;
    if (indexed) {
      for (auto& lit : internal::GateLiterals(r, true)) {
        stream.push_back({kSqueezedDb, {std::move(lit.expression), HS_FLAG_CASELESS, 0}});
        gate_len.push_back(lit.length);
      }
      impl->phrase_indexed[ri] = true;
    }
    for (size_t k = 0; k < stream.size(); ++k) {
      auto& [db, p] = stream[k];
      const bool phrase = gate_len[k] > 0;  // a gated or indexed rule's phrase
      if (db == kSqueezedDb && !phrase) squeezed[ri] = true;
      p.id = static_cast<unsigned>(by_view[db].size());
      impl->gate_len[db].push_back(gate_len[k]);
      by_view[db].push_back(p);
      origin[db].push_back(ri);
      impl->view_pattern_rule[db].push_back(phrase ? -static_cast<int>(ri) - 1
                                                   : static_cast<int>(ri));
    }
    impl->max_width.push_back(plans[ri].width);
    impl->first_bytes.push_back(first);
    impl->max_before = std::max(impl->max_before, r.context.window_before);
    impl->max_after = std::max(impl->max_after, r.context.window_after);
    std::vector<std::unique_ptr<icu::RegexPattern>> res;
    for (const auto& rp : r.context.require_patterns) {
      UErrorCode ec = U_ZERO_ERROR;
      UParseError pe;
      std::unique_ptr<icu::RegexPattern> re(
          icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(rp), 0, pe, ec));
      if (U_FAILURE(ec))
        return Status::InvalidArgument(Where(r) + ": require_patterns '" + rp + "': " +
                                       u_errorName(ec));
      res.push_back(std::move(re));
    }
    impl->require_re.push_back(std::move(res));
  }

  // Compiled databases are specific to this CPU and Hyperscan build; a cache saves ~1 s a start.
  std::string key = EngineCacheKey(pack.rules) + (options.squeeze_keywords ? "" : "unsqueezed\n") +
                    (options.reverse_confirm ? "" : "unreversed\n");
  for (size_t ri = 0; ri < pack.rules.size(); ++ri) {  // phrases in a database, not patterns
    if (!impl->gated[ri] && !impl->phrase_indexed[ri]) continue;
    key += (impl->gated[ri] ? "gated " : "indexed ") + std::to_string(ri);
    for (const auto& phrase : pack.rules[ri].context.require) key += '\x1f' + phrase;
    key += '\n';
  }
  std::string cache_file = options.cache_dir.empty() ? "" : EngineCachePath(options.cache_dir, key);
  bool cached = !cache_file.empty() &&
                LoadEngineCache(cache_file, key, impl->view_db, &impl->confirm_db,
                                &impl->reverse_db, &impl->run_db, &impl->anchored,
                                pack.rules.size()).ok();
  // Runs are read from the hits only when the hits are the rule's own match ends (not squeezed,
  // not gated); a run database would be compiled for nothing otherwise (the password rule's
  // took 0.8 s).
  auto wants_runs = [&](size_t ri, bool anchored) {
    return anchored && !squeezed[ri] && !impl->gated[ri];
  };
  // The session reads runs for every rule that has a run database, so a cache written by a
  // build that gave one to another rule would lose findings: it is compiled again, like a
  // corrupt one.
  for (size_t ri = 0; cached && ri < pack.rules.size(); ++ri)
    if (impl->run_db[ri].get() && !wants_runs(ri, impl->anchored[ri])) cached = false;
  if (!cached) {
    impl->confirm_db.clear();
    impl->reverse_db.clear();
    impl->run_db.clear();
    impl->anchored.clear();
    for (size_t ri = 0; ri < pack.rules.size(); ++ri) {
      HsDatabase db, reverse, run;
      bool anchored = false;
      if (Status s = CompileConfirm(pack.rules[ri], plans[ri], &db, &anchored); !s.ok()) return s;
      if (options.reverse_confirm)
        CompileReverse(pack.rules[ri], wants_runs(ri, anchored), &reverse, &run);
      impl->confirm_db.push_back(std::move(db));
      impl->reverse_db.push_back(std::move(reverse));
      impl->run_db.push_back(std::move(run));
      impl->anchored.push_back(anchored);
    }
    for (int v = 0; v < kStreamDbCount; ++v) {
      if (by_view[v].empty()) continue;
      int bad = -1;
      if (Status s = CompileHs(by_view[v], HS_MODE_STREAM, &impl->view_db[v], &bad); !s.ok())
        return Status::InvalidArgument(Where(pack.rules[origin[v][bad < 0 ? 0 : bad]]) + ": " +
                                       s.message());
    }
    // A cache that cannot be written only costs the next start its compile time.
    if (!cache_file.empty())
      (void)SaveEngineCache(cache_file, key, impl->view_db, impl->confirm_db, impl->reverse_db,
                            impl->run_db, impl->anchored);
  }
  for (size_t ri = 0; ri < pack.rules.size(); ++ri)
    if (impl->gated[ri] && impl->anchored[ri])
      return Status::InvalidArgument(Where(pack.rules[ri]) +
                                     ": require_first: Hyperscan cannot track where this rule's "
                                     "matches start; remove require_first");
  impl->squeezed_rule = std::move(squeezed);
  std::vector<const hs_database_t*> all;
  for (int v = 0; v < kStreamDbCount; ++v)
    if (impl->view_db[v].get()) all.push_back(impl->view_db[v].get());
  for (const auto& db : impl->confirm_db) all.push_back(db.get());
  for (const auto* dbs : {&impl->reverse_db, &impl->run_db})
    for (const auto& db : *dbs)
      if (db.get()) all.push_back(db.get());
  if (Status s = impl->scratch.Init(all); !s.ok()) return s;
  EngineStats& st = impl->stats;
  st.from_cache = cached;
  st.rules = pack.rules.size();
  for (const Rule& r : pack.rules) st.patterns += r.patterns.size();
  for (int v = 0; v < kStreamDbCount; ++v) {
    for (size_t id = 0; id < impl->gate_len[v].size(); ++id) {
      if (impl->gate_len[v][id] == 0) continue;
      const auto ri = static_cast<size_t>(-impl->view_pattern_rule[v][id] - 1);
      (impl->gated[ri] ? st.gate_phrases : st.indexed_phrases) += 1;
    }
    if (!impl->view_db[v].get()) continue;
    const bool sq = v == kSqueezedDb;
    hs_database_size(impl->view_db[v].get(), sq ? &st.squeezed_db_bytes : &st.view_db_bytes[v]);
    hs_stream_size(impl->view_db[v].get(),
                   sq ? &st.squeezed_stream_state_bytes : &st.stream_state_bytes[v]);
  }
  for (int v : impl->view_pattern_rule[kSqueezedDb]) st.squeezed_patterns += v >= 0;
  st.gated_rules = static_cast<size_t>(std::count(impl->gated.begin(), impl->gated.end(), true));
  st.phrase_indexed_rules = static_cast<size_t>(
      std::count(impl->phrase_indexed.begin(), impl->phrase_indexed.end(), true));
  for (const auto* dbs : {&impl->confirm_db, &impl->reverse_db, &impl->run_db}) {
    for (const auto& db : *dbs) {
      size_t n = 0;
      if (db.get()) hs_database_size(db.get(), &n);
      st.confirm_db_bytes += n;
    }
  }
  st.scratch_bytes = impl->scratch.ScratchBytes();
  st.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            started).count();
  impl->pack = std::move(pack);
  out->reset(new Engine(std::move(impl)));
  return Status::OK();
}

Status Engine::Scan(std::string_view text, const ScanOptions& options, ScanResult* out) const {
  ScanSession session(impl_->sessions.Take(impl_.get(), options));
  if (Status s = session.Feed(text); !s.ok()) return s;
  return session.Finish(out);
}

std::unique_ptr<ScanSession> Engine::NewSession(const ScanOptions& options) const {
  return std::unique_ptr<ScanSession>(new ScanSession(impl_->sessions.Take(impl_.get(), options)));
}

}  // namespace dlp
