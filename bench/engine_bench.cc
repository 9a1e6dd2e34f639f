#include "engine_bench.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "corpus.h"
#include "dlp/normalizer.h"
#include "squeeze.h"  // SqueezedChunk: squeezing is part of the scan's cost (agent/src)
#include "view_dbs.h"

namespace dlp::bench {
namespace {

// Normalizes `text` into both views the way a session does (chunks cut where it is safe),
// calling `sink(view, bytes)` with each piece. Offset maps are built (they are part of the cost)
// and dropped after each chunk.
template <typename Sink>
void NormalizeChunks(const Normalizer& norm, std::string_view text, Sink&& sink) {
  NormalizedView views[kViewCount];
  size_t pos = 0;
  while (pos < text.size()) {
    std::string_view in = text.substr(pos, kSessionChunk * 2);
    bool last = pos + in.size() == text.size();
    if (!last) in = in.substr(0, kSessionChunk);
    size_t cut = norm.SafeCut(in, last);
    if (cut == 0) cut = in.size();
    // Both views in one pass, as ScanSession does (NormalizeBoth; its fast path is only there).
    for (auto& v : views) v.Clear();
    norm.NormalizeBoth(in.substr(0, cut), pos, &views[0], &views[1]);
    for (int v = 0; v < kViewCount; ++v) sink(v, std::string_view(views[v].text));
    pos += cut;
  }
}

// The stream databases as the engine builds them (stream mode, no start of match; view_dbs.h),
// so that Hyperscan's own speed on the views can be shown apart from the rest.
struct ViewDbs {
  hs_database_t* db[kDbCount] = {};
  hs_scratch_t* scratch = nullptr;
  ~ViewDbs() {
    for (auto* d : db) hs_free_database(d);
    hs_free_scratch(scratch);
  }
  bool Build(const RulePack& pack, bool host_features) {
    ViewPatterns patterns[kDbCount];
    SplitPatterns(pack, -1, patterns);
    for (int d = 0; d < kDbCount; ++d) {
      if (patterns[d].exprs.empty()) continue;
      if (!CompileStream(patterns[d], &db[d], host_features)) return false;
      if (hs_alloc_scratch(db[d], &scratch) != HS_SUCCESS) return false;
    }
    return true;
  }
};

}  // namespace

double RunEngineBench(const Engine& engine, const std::string& corpus, const BenchConfig& cfg,
                      Report* report) {
  const double mb = corpus.size() / 1e6;
  std::unique_ptr<Normalizer> norm;
  if (!Normalizer::Create(&norm).ok()) return 0;

  report->Section("Engine, one core (" + std::to_string(corpus.size() >> 20) +
                  " MiB corpus; medians of " + std::to_string(cfg.runs) + " runs)");
  // Normalize only: both views with their offset maps, as the session builds them.
  size_t view_bytes[kViewCount] = {};
  double norm_ms = MedianMs(cfg.runs, [&] {
    view_bytes[0] = view_bytes[1] = 0;
    NormalizeChunks(*norm, corpus, [&](int v, std::string_view s) { view_bytes[v] += s.size(); });
  });
  report->Row("normalize (exact + loose views, offset maps)", MBps(corpus.size(), norm_ms), "MB/s",
              "", "normalize_mbps");

  // Scan only: Hyperscan over the already normalized views.
  std::string views[kViewCount];
  for (auto& v : views) v.reserve(corpus.size() + corpus.size() / 8);
  NormalizeChunks(*norm, corpus, [&](int v, std::string_view s) { views[v].append(s); });
  // Twice: the databases as the engine compiles them, then for every feature of this CPU, which
  // shows whether the engine's platform choice (agent/src/x86/hs_platform.cc) holds here.
  for (const bool host : {false, true}) {
    ViewDbs dbs;
    if (!dbs.Build(engine.pack(), host)) continue;
    size_t hits = 0;
    double scan_ms = MedianMs(cfg.runs, [&] {
      hits = 0;
      internal::SqueezedChunk squeezed;
      for (int d = 0; d < kDbCount; ++d) {
        if (!dbs.db[d]) continue;
        const std::string& text = views[d == kSqueezed ? int(ViewKind::kLoose) : d];
        hs_stream_t* st = nullptr;
        hs_open_stream(dbs.db[d], 0, &st);
        for (size_t p = 0; p < text.size(); p += kSessionChunk) {
          std::string_view piece(text.data() + p, std::min(kSessionChunk, text.size() - p));
          if (d == kSqueezed) {  // squeezing is part of the cost
            squeezed.Build(piece);
            piece = squeezed.text();
          }
          hs_scan_stream(st, piece.data(), unsigned(piece.size()), 0, dbs.scratch, CountHit,
                         &hits);
        }
        hs_close_stream(st, dbs.scratch, CountHit, &hits);
      }
    });
    if (!host)
      report->Row("scan only (Hyperscan: exact, loose, squeezed loose)",
                  MBps(corpus.size(), scan_ms), "MB/s", std::to_string(hits) + " raw hits",
                  "scan_mbps");
    else
      report->Row("scan only, databases built for all of this CPU's features",
                  MBps(corpus.size(), scan_ms), "MB/s",
                  "the engine builds them without AVX2/AVX-512 variants", "scan_host_mbps");
  }
  for (auto& v : views) std::string().swap(v);

  // End to end: Engine::Scan on the whole corpus (normalize, scan, confirm, score, policy).
  ScanResult result;
  ScanOptions so;
  so.current_year = 2026;
  double e2e_best_ms = 0;
  double e2e_ms = MedianMs(
      cfg.runs,
      [&] {
        result = ScanResult();
        (void)engine.Scan(corpus, so, &result);
      },
      &e2e_best_ms);
  const double e2e = MBps(corpus.size(), e2e_ms);
  char best[48];
  std::snprintf(best, sizeof best, "; best run %.0f MB/s", MBps(corpus.size(), e2e_best_ms));
  report->Row("end to end (Engine::Scan, default bundle)", e2e, "MB/s",
              std::to_string(result.findings.size() + result.findings_dropped) + " findings, " +
                  std::string(ActionName(result.action)) + best,
              "e2e_mbps");
  report->Key("e2e_best_mbps", MBps(corpus.size(), e2e_best_ms));
  (void)mb;

  // End to end on a contact list: a finding every few dozen bytes instead of every few KiB.
  {
    const std::string list = GenerateContactList(std::min<size_t>(corpus.size(), 4u << 20));
    ScanResult r;
    const double ms = MedianMs(cfg.runs, [&] {
      r = ScanResult();
      (void)engine.Scan(list, so, &r);
    });
    report->Row("end to end, a contact list (" + std::to_string(list.size() >> 20) + " MiB)",
                MBps(list.size(), ms), "MB/s",
                std::to_string(r.findings.size() + r.findings_dropped) +
                    " findings: an address every ~45 bytes",
                "e2e_contacts_mbps");
  }

  // Paste latency in process: slices of the corpus starting at a line, scanned whole.
  report->Section("Paste latency in process (Engine::Scan)");
  struct Size {
    const char* name;
    const char* key;
    size_t bytes;
    int iters;
  };
  const Size sizes[] = {{"2 KiB", "paste_2k", 2048, cfg.latency_iters},
                        {"20 KiB", "paste_20k", 20480, cfg.latency_iters},
                        {"1 MiB", "paste_1m", 1 << 20, std::max(5, cfg.latency_iters / 10)}};
  for (const Size& sz : sizes) {
    if (sz.bytes > corpus.size()) continue;
    std::vector<double> t;
    uint64_t seed = 7;
    for (int i = 0; i < sz.iters; ++i) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      size_t start = (seed >> 17) % (corpus.size() - sz.bytes + 1);
      while (start > 0 && corpus[start - 1] != '\n') --start;  // whole lines, whole characters
      std::string_view paste(corpus.data() + start, sz.bytes);
      auto t0 = Clock::now();
      ScanResult r;
      (void)engine.Scan(paste, so, &r);
      t.push_back(MsSince(t0));
    }
    report->Row(std::string(sz.name) + " p50", Percentile(t, 50), "ms", "",
                std::string(sz.key) + "_p50_ms");
    report->Row(std::string(sz.name) + " p99", Percentile(t, 99), "ms",
                std::to_string(sz.iters) + " pastes", std::string(sz.key) + "_p99_ms");
  }
  return e2e;
}

RulePack SyntheticPack(const RulePack& base, int n) {
  RulePack p;
  p.name = "synthetic";
  p.version = "1";
  p.policy = base.policy;
  static const char* kStems[] = {"ke hoach", "bao cao", "danh sach", "ho so", "quyet dinh",
                                 "to trinh", "bien ban", "cong van", "de an", "nghi quyet"};
  for (int i = 0; i < n; ++i) {
    Rule r;
    r.id = "synthetic." + std::to_string(i);
    r.type = "synthetic";
    r.severity = Severity::kMedium;
    r.name_vi = r.name_en = r.id;
    r.file = "synthetic";
    r.line = i + 1;
    const std::string k = std::to_string(i);
    switch (i % 4) {
      case 0:  // a keyword phrase, as keyword rules compile on the loose view
        r.patterns = {std::string(kStems[i % 10]) + " mat so " + k};
        r.boundary = Boundary::kAlnum;
        break;
      case 1:  // a prefixed number
        r.patterns = {"MS" + k + "-[0-9]{6}"};
        r.boundary = Boundary::kAlnum;
        break;
      case 2:  // a document code
        r.patterns = {"[0-9]{1,4}/" + k + "/Q[DĐ]-[A-Z]{2,8}"};
        r.view = ViewKind::kExact;
        r.caseless = false;
        break;
      default:  // a field with a value
        r.patterns = {"truong" + k + " ?: ?[a-z0-9]{4,16}"};
        break;
    }
    p.rules.push_back(std::move(r));
  }
  return p;
}

void RunCompileBench(const RulePack& pack, const BenchConfig& cfg, Report* report) {
  report->Section("Rule compile");
  std::unique_ptr<Engine> e;
  auto t0 = Clock::now();
  if (Engine::Create(pack, &e).ok())
    report->Row("default bundle, cold (" + std::to_string(pack.rules.size()) + " rules)",
                MsSince(t0), "ms", "", "compile_default_ms");
  EngineOptions eo;
  eo.cache_dir = cfg.tmp_dir + "/engine-cache";
  std::error_code ec;
  std::filesystem::create_directories(eo.cache_dir, ec);
  (void)Engine::Create(pack, eo, &e);  // fills the cache
  std::vector<double> warm;
  for (int i = 0; i < std::max(3, cfg.runs); ++i) {
    t0 = Clock::now();
    if (Engine::Create(pack, eo, &e).ok() && e->stats().from_cache) warm.push_back(MsSince(t0));
  }
  if (!warm.empty())
    report->Row("default bundle, warm cache", Median(warm), "ms", "", "compile_default_cached_ms");
  RulePack big = SyntheticPack(pack, cfg.synthetic_rules);
  t0 = Clock::now();
  Status s = Engine::Create(big, &e);
  if (s.ok())
    report->Row("synthetic " + std::to_string(cfg.synthetic_rules) + "-rule bundle, cold",
                MsSince(t0), "ms", "", "compile_synthetic_ms");
  else
    report->Text("synthetic bundle", "failed: " + s.ToString());
}

}  // namespace dlp::bench
