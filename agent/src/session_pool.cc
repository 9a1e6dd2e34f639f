// A session's state over its life: built for an engine (a scratch space, open streams), started
// with a scan's options, and reset when the scan ends so that the engine's SessionPool can hand
// it to the next scan (engine_internal.h says why).
#include <algorithm>
#include <ctime>

#include "scan_session_state.h"

namespace dlp {
namespace {

int CurrentYear() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

// Empties `c`, releasing its storage if it grew past `keep` elements.
template <typename C>
void EmptyKeeping(C& c, size_t keep) {
  if (c.capacity() > keep) C().swap(c);
  else c.clear();
}

}  // namespace

ScanSession::State::State(const Engine::Impl* engine, const ScanOptions& options)
    : eng(engine) {
  scratch = eng->scratch.Acquire();
  if (!scratch) error = Status::ResourceExhausted("cannot allocate Hyperscan scratch space");
  for (int v = 0; v < kStreamDbCount && error.ok(); ++v) {
    if (eng->view_db[v].get() && hs_open_stream(eng->view_db[v].get(), 0, &Stream(v)) != HS_SUCCESS)
      error = Status::ResourceExhausted("cannot open a Hyperscan stream");
  }
  confirmed_until.assign(eng->pack.rules.size(), 0);
  gated_until.assign(eng->pack.rules.size(), 0);
  phrase_ends.resize(eng->pack.rules.size());
  dropped_by_rule.assign(eng->pack.rules.size(), 0);
  agg.people.resize(eng->pack.aggregates.size());
  agg.span.assign(eng->pack.aggregates.size(), {UINT64_MAX, 0});
  Start(options);
}

ScanSession::State::~State() {
  for (int v = 0; v < kStreamDbCount; ++v)
    if (Stream(v)) hs_close_stream(Stream(v), scratch, nullptr, nullptr);
  eng->scratch.Release(scratch);
}

void ScanSession::State::Start(const ScanOptions& options) {
  opt = options;
  vctx = ValidatorContext{};
  vctx.current_year = opt.current_year > 0 ? opt.current_year : CurrentYear();
}

bool ScanSession::State::Reusable() const {
  if (!error.ok() || !scratch) return false;
  for (int v = 0; v < kStreamDbCount; ++v) {
    if (eng->view_db[v].get() && !Stream(v)) return false;
  }
  return true;
}

bool ScanSession::State::Reset() {
  // Without a callback nothing is reported: an unfinished scan's end-of-data matches are dropped
  // with it (a finished one's streams were reset by Finish, reporting them).
  for (int v = 0; v < kStreamDbCount; ++v) {
    if (Stream(v) && hs_reset_stream(Stream(v), 0, scratch, nullptr, nullptr) != HS_SUCCESS)
      return false;
  }
  // A paste of up to two chunks keeps its buffers; a long text's steady-state reservations
  // (Process) are released.
  constexpr size_t kKeepBytes = 2 * kSessionChunk;
  for (auto& vb : views) {
    EmptyKeeping(vb.buf.text, kKeepBytes);
    EmptyKeeping(vb.buf.pieces, kKeepBytes / 8);
    EmptyKeeping(vb.hits, kKeepBytes / 64);
    vb.base = vb.total = 0;
    vb.map_hint = 0;
  }
  squeezed_total = 0;
  EmptyKeeping(pending, kKeepBytes);
  consumed = 0;
  std::fill(confirmed_until.begin(), confirmed_until.end(), 0);
  std::fill(gated_until.begin(), gated_until.end(), 0);
  std::fill(dropped_by_rule.begin(), dropped_by_rule.end(), 0);
  gates.clear();
  for (auto& ends : phrase_ends) EmptyKeeping(ends, kKeepBytes / 64);
  context_.Forget();  // the next scan's loose view reuses these offsets for other text
  EmptyKeeping(findings, 1024);
  dropped = 0;
  for (auto& p : agg.people) p.Clear();
  agg.span.assign(eng->pack.aggregates.size(), {UINT64_MAX, 0});
  EmptyKeeping(later_, kKeepBytes / 64);
  for (auto& ends : by_rule_) EmptyKeeping(ends, kKeepBytes / 64);
  for (auto* spans : {&spans_, &window_spans_, &found_}) EmptyKeeping(*spans, kKeepBytes / 64);
  EmptyKeeping(matches_, kKeepBytes / 64);
  EmptyKeeping(real_, kKeepBytes / 64);
  EmptyKeeping(gate_ends_, kKeepBytes / 64);
  error = Status::OK();
  finished = false;
  return true;
}

ScanSession::ScanSession(std::unique_ptr<State> state) : state_(std::move(state)) {}
ScanSession::~ScanSession() {
  if (state_) state_->eng->sessions.Give(std::move(state_));
}

SessionPool::~SessionPool() {
  for (ScanSession::State* s : free_) delete s;
}

std::unique_ptr<ScanSession::State> SessionPool::Take(const Engine::Impl* engine,
                                                      const ScanOptions& options) {
  ScanSession::State* s = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      s = free_.back();
      free_.pop_back();
    }
  }
  if (!s) return std::make_unique<ScanSession::State>(engine, options);
  s->Start(options);
  return std::unique_ptr<ScanSession::State>(s);
}

void SessionPool::Give(std::unique_ptr<ScanSession::State> state) {
  // Otherwise freed: a fresh state will be built for a later scan.
  if (!state->Reusable() || !state->Reset()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() < kMaxKept) free_.push_back(state.release());
}

}  // namespace dlp
