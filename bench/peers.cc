#include "peers.h"

#include <hs/hs.h>

#include <cstdio>
#include <functional>
#include <sstream>

#ifdef DLP_BENCH_HAVE_RE2
#include <re2/re2.h>
#include <re2/set.h>
#endif
#ifdef DLP_BENCH_HAVE_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

namespace dlp::bench {
namespace {

std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::string Ratio(double theirs, double ours) {
  char buf[96];
  if (theirs <= 0) return "";
  std::snprintf(buf, sizeof buf, "ours is %.2fx %s", ours >= theirs ? ours / theirs : theirs / ours,
                ours >= theirs ? "faster" : "SLOWER");
  return buf;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
  return s;
}

// GNU grep -E has no (?:...) and no \d; both have plain equivalents.
std::string ToEre(const std::string& re) {
  return Replace(Replace(re, "(?:", "("), "\\d", "[0-9]");
}

// Runs `fn(text)` on a prefix of the corpus sized so that it takes about `budget_s` (a 1 MiB
// trial first), and returns MB/s over the median of the runs that fit the budget.
double Throughput(const std::string& corpus, double budget_s,
                  const std::function<void(std::string_view)>& fn, std::string* note) {
  // A small trial first: some engines run at kilobytes per second on these rules.
  size_t trial = std::min<size_t>(corpus.size(), size_t(budget_s * 64 * 1024));
  auto t0 = Clock::now();
  fn(std::string_view(corpus).substr(0, trial));
  double ms = MsSince(t0);
  double mbps = MBps(trial, ms);
  size_t n = corpus.size();
  if (mbps * budget_s * 1e6 < n) n = std::max<size_t>(trial, size_t(mbps * budget_s * 1e6));
  while (n < corpus.size() && n > 0 && corpus[n - 1] != '\n') ++n;  // whole lines
  std::string_view text = std::string_view(corpus).substr(0, n);
  int runs = n == corpus.size() && ms * corpus.size() / trial < budget_s * 300 ? 3 : 1;
  double med = MedianMs(runs, [&] { fn(text); });
  if (n < corpus.size()) *note = "on the first " + std::to_string(n >> 10) + " KiB; " + *note;
  return MBps(n, med);
}

int CountMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

// Hyperscan alone on the raw text: all exported patterns in one block database, no
// normalization, no confirm. The ceiling of "just run the regexes".
void HyperscanRaw(const std::string& corpus, const std::vector<ExportedPattern>& pats,
                  const PeerConfig& cfg, double ours, Report* report) {
  std::vector<std::string> exprs;
  std::vector<unsigned> flags, ids;
  for (const auto& p : pats) {
    exprs.push_back(Replace(Replace(Replace(p.regex, "\\n", "\n"), "\\t", "\t"), "\\r", "\r"));
    flags.push_back(p.caseless ? HS_FLAG_CASELESS : 0);
    ids.push_back(unsigned(ids.size()));
  }
  std::vector<const char*> ptrs;
  for (auto& e : exprs) ptrs.push_back(e.c_str());
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), unsigned(ptrs.size()), HS_MODE_BLOCK,
                       nullptr, &db, &err) != HS_SUCCESS) {
    report->Text("Hyperscan (raw text, block mode)", std::string("compile failed: ") + err->message);
    hs_free_compile_error(err);
    return;
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  size_t hits = 0;
  std::string note = "patterns only: no normalization, no confirm";
  double mbps = Throughput(corpus, cfg.budget_s, [&](std::string_view t) {
    hits = 0;
    // Block mode is limited to 4 GiB per call; 64 MiB pieces keep the hit count honest enough.
    for (size_t p = 0; p < t.size(); p += 64 << 20)
      hs_scan(db, t.data() + p, unsigned(std::min<size_t>(64 << 20, t.size() - p)), 0, scratch,
              CountMatch, &hits);
  }, &note);
  report->Row("Hyperscan alone, raw text, block mode", mbps, "MB/s", note + "; " + Ratio(mbps, ours),
              "peer_hyperscan_raw_mbps");
  hs_free_scratch(scratch);
  hs_free_database(db);
}

// Which patterns a program accepts: each is tried alone on an empty file (exit 2 = rejected).
std::vector<std::string> Accepted(const std::vector<std::string>& base_argv,
                                  const std::vector<std::string>& regexes, const PeerConfig& cfg,
                                  size_t* rejected) {
  std::vector<std::string> ok;
  *rejected = 0;
  std::string empty = cfg.tmp_dir + "/empty.txt";
  WriteFile(empty, "");
  for (const auto& re : regexes) {
    std::vector<std::string> argv = base_argv;
    argv.push_back("-e");
    argv.push_back(re);
    argv.push_back(empty);
    if (RunProgram(argv, "").status == 1) ok.push_back(re);  // 1: ran, no match
    else ++*rejected;
  }
  return ok;
}

// A program over a prefix of the corpus file (written once per size), timed from outside: only
// the measured runs are timed, each after one untimed warm-up run on the same file (page cache,
// binary, locale data). The warm-up is given the file too: ripgrep without a path argument and
// with a terminal or /dev/null on stdin searches the whole working directory, which is what
// made earlier reports show it at under 1 MB/s. Output goes to a file, never /dev/null: GNU
// grep treats a /dev/null stdout like -q and stops at the first matching line.
double ProgramThroughput(const std::string& corpus, const PeerConfig& cfg,
                         const std::vector<std::vector<std::string>>& commands,
                         const std::vector<std::string>& env, std::string* note) {
  auto run = [&](const std::string& path) {  // every command on the file, one after the other
    double ms = 0;
    for (const auto& argv_before_file : commands) {
      std::vector<std::string> argv = argv_before_file;
      argv.push_back(path);
      ms += RunProgram(argv, cfg.tmp_dir + "/peer.out", env).ms;
    }
    return ms;
  };
  auto prefix_file = [&](size_t n) {
    if (n == corpus.size()) return cfg.corpus_path;
    std::string path = cfg.tmp_dir + "/prefix-" + std::to_string(n) + ".txt";
    WriteFile(path, corpus.substr(0, n));
    return path;
  };
  auto whole_lines = [&](size_t n) {
    while (n < corpus.size() && n > 0 && corpus[n - 1] != '\n') ++n;
    return n;
  };
  // Process start and pattern compile (114 patterns take ripgrep and GNU grep tens of
  // milliseconds) are not search speed: measured on an empty file and subtracted from each run.
  const std::string empty = cfg.tmp_dir + "/empty.txt";
  WriteFile(empty, "");
  run(empty);
  const double fixed_ms = Median({run(empty), run(empty), run(empty)});
  auto search_ms = [&](const std::string& path) { return std::max(run(path) - fixed_ms, 0.01); };
  // A small trial first: some engines run at kilobytes per second on these rules.
  const size_t trial = whole_lines(std::min<size_t>(corpus.size(), size_t(cfg.budget_s * 64 * 1024)));
  std::string path = prefix_file(trial);
  run(path);
  const double trial_ms = search_ms(path);
  const double trial_mbps = MBps(trial, trial_ms);
  size_t n = corpus.size();
  if (trial_mbps * cfg.budget_s * 1e6 < n)
    n = whole_lines(std::max<size_t>(trial, size_t(trial_mbps * cfg.budget_s * 1e6)));
  if (n != trial) {
    path = prefix_file(n);
    run(path);
  }
  const int runs = n == corpus.size() && trial_ms * corpus.size() / trial < cfg.budget_s * 300 ? 3 : 1;
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) ms.push_back(search_ms(path));
  if (n < corpus.size()) *note = "on the first " + std::to_string(n >> 10) + " KiB; " + *note;
  char fixed[64];
  std::snprintf(fixed, sizeof fixed, "; start+compile %.0f ms subtracted", fixed_ms);
  *note += fixed;
  return MBps(n, Median(ms));
}

void Ripgrep(const std::string& corpus, const std::vector<ExportedPattern>& pats,
             const PeerConfig& cfg, double ours, Report* report, double* best) {
  if (!InPath("rg")) {
    report->Text("ripgrep", "not installed (apt-get install ripgrep)");
    return;
  }
  struct Variant {
    const char* name;
    const char* prefix;  // per pattern
    const char* key;
  };
  const Variant variants[] = {{"ripgrep 13, default (Unicode \\b, classes)", "", "peer_rg_unicode_mbps"},
                              {"ripgrep 13, ASCII mode (?-u)", "(?-u)", "peer_rg_ascii_mbps"}};
  for (const Variant& v : variants) {
    std::vector<std::string> regexes;
    for (const auto& p : pats)
      regexes.push_back(std::string(v.prefix) + (p.caseless ? "(?i)" : "") + p.regex);
    size_t rejected = 0;
    regexes = Accepted({"rg", "-c"}, regexes, cfg, &rejected);
    std::string file = cfg.tmp_dir + "/rg-" + std::string(v.key) + ".txt";
    std::string joined;
    for (auto& r : regexes) joined += r + "\n";
    WriteFile(file, joined);
    std::string note = std::to_string(regexes.size()) + " patterns" +
                       (rejected ? " (" + std::to_string(rejected) + " rejected)" : "") +
                       ", -j1 -c";
    double mbps = ProgramThroughput(corpus, cfg, {{"rg", "-j1", "-c", "-f", file}}, {}, &note);
    report->Row(v.name, mbps, "MB/s", note + "; " + Ratio(mbps, ours), v.key);
    *best = std::max(*best, mbps);
  }
}

void GnuGrep(const std::string& corpus, const std::vector<ExportedPattern>& pats,
             const PeerConfig& cfg, double ours, Report* report) {
  if (!InPath("grep")) return;
  // One run per case mode: grep -i applies to every pattern of a run.
  struct Locale {
    const char* name;
    const char* env;
    const char* key;
  };
  const Locale locales[] = {{"GNU grep -E, C locale (bytes)", "LC_ALL=C", "peer_grep_c_mbps"},
                            {"GNU grep -E, UTF-8 locale", "LC_ALL=C.UTF-8", "peer_grep_utf8_mbps"}};
  for (const Locale& loc : locales) {
    std::string files[2];
    size_t kept = 0, rejected_all = 0;
    for (int caseless = 0; caseless < 2; ++caseless) {
      std::vector<std::string> regexes;
      for (const auto& p : pats)
        if (p.caseless == bool(caseless)) regexes.push_back(ToEre(p.regex));
      size_t rejected = 0;
      std::vector<std::string> base = {"grep", "-E", "-c"};
      if (caseless) base.push_back("-i");
      regexes = Accepted(base, regexes, cfg, &rejected);
      kept += regexes.size();
      rejected_all += rejected;
      std::string joined;
      for (auto& r : regexes) joined += r + "\n";
      files[caseless] = cfg.tmp_dir + "/grep-" + std::to_string(caseless) + ".txt";
      WriteFile(files[caseless], joined);
    }
    std::string note = std::to_string(kept) + " patterns" +
                       (rejected_all ? " (" + std::to_string(rejected_all) + " rejected)" : "") +
                       ", two runs (-i and not)";
    double mbps = ProgramThroughput(corpus, cfg,
                                    {{"grep", "-E", "-c", "-f", files[0]},
                                     {"grep", "-E", "-c", "-i", "-f", files[1]}},
                                    {loc.env}, &note);
    report->Row(loc.name, mbps, "MB/s", note + "; " + Ratio(mbps, ours), loc.key);
  }
}

#ifdef DLP_BENCH_HAVE_RE2
void Re2Set(const std::string& corpus, const std::vector<ExportedPattern>& pats,
            const PeerConfig& cfg, double ours, Report* report) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t(1) << 30);
  RE2::Set set(o, RE2::UNANCHORED);
  size_t added = 0, rejected = 0;
  for (const auto& p : pats) {
    std::string re = (p.caseless ? "(?i)" : "") + p.regex;
    if (set.Add(re, nullptr) >= 0) ++added;
    else ++rejected;
  }
  if (!set.Compile()) {
    report->Text("RE2::Set", "compile failed");
    return;
  }
  size_t lines = 0;
  std::string note = std::to_string(added) + " patterns" +
                     (rejected ? " (" + std::to_string(rejected) + " rejected)" : "") +
                     ", matching lines counted (like grep -c)";
  double mbps = Throughput(corpus, cfg.budget_s, [&](std::string_view t) {
    lines = 0;
    std::vector<int> m;
    for (size_t p = 0; p < t.size();) {
      size_t e = t.find('\n', p);
      if (e == std::string_view::npos) e = t.size();
      if (set.Match(re2::StringPiece(t.data() + p, e - p), nullptr)) ++lines;
      p = e + 1;
    }
  }, &note);
  report->Row("RE2::Set (per line)", mbps, "MB/s", note + "; " + Ratio(mbps, ours),
              "peer_re2set_mbps");
}
#endif

#ifdef DLP_BENCH_HAVE_PCRE2
void Pcre2(const std::string& corpus, const std::vector<ExportedPattern>& pats,
           const PeerConfig& cfg, double ours, Report* report) {
  std::vector<pcre2_code*> codes;
  size_t rejected = 0;
  for (const auto& p : pats) {
    int err;
    PCRE2_SIZE off;
    pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.regex.c_str()), p.regex.size(),
                                  (p.caseless ? PCRE2_CASELESS : 0) | PCRE2_UTF | PCRE2_NO_UTF_CHECK,
                                  &err, &off, nullptr);
    if (!c) { ++rejected; continue; }
    pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
    codes.push_back(c);
  }
  pcre2_match_data* md = pcre2_match_data_create(8, nullptr);
  size_t matches = 0;
  std::string note = std::to_string(codes.size()) + " patterns one at a time, JIT" +
                     (rejected ? " (" + std::to_string(rejected) + " rejected)" : "");
  double mbps = Throughput(corpus, cfg.budget_s, [&](std::string_view t) {
    matches = 0;
    for (pcre2_code* c : codes) {
      PCRE2_SIZE at = 0;
      while (at < t.size()) {
        int rc = pcre2_jit_match(c, reinterpret_cast<PCRE2_SPTR>(t.data()), t.size(), at, 0, md,
                                 nullptr);
        if (rc < 0) break;
        PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        ++matches;
        at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
      }
    }
  }, &note);
  report->Row("PCRE2 10.42 JIT", mbps, "MB/s", note + "; " + Ratio(mbps, ours),
              "peer_pcre2_mbps");
  pcre2_match_data_free(md);
  for (auto* c : codes) pcre2_code_free(c);
}
#endif

}  // namespace

std::string ExportRegex(const RulePack& pack) {
  static const char* kViews[] = {"exact", "loose"};
  std::ostringstream o;
  o << "# " << pack.name << ": rule_id<TAB>view<TAB>flags<TAB>pattern (Hyperscan syntax; flags "
       "i = caseless)\n";
  for (const Rule& r : pack.rules)
    for (const auto& p : r.patterns)
      o << r.id << "\t" << kViews[static_cast<int>(r.view)] << "\t" << (r.caseless ? "i" : "")
        << "\t" << OneLine(p) << "\n";
  return o.str();
}

std::vector<ExportedPattern> ParseExport(const std::string& text) {
  std::vector<ExportedPattern> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
    if (c == std::string::npos) continue;
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1),
                   line.substr(b + 1, c - b - 1).find('i') != std::string::npos,
                   line.substr(c + 1)});
  }
  return out;
}

void RunPeers(const std::string& corpus, const std::vector<ExportedPattern>& patterns,
              const PeerConfig& cfg, double ours, Report* report) {
  report->Section("Other engines, same corpus, same exported rules (" +
                  std::to_string(patterns.size()) + " patterns), one core");
  report->Row("this engine, end to end (normalize + scan + confirm + policy)", ours, "MB/s",
              "the reference for the ratios below");
  double best_rg = 0;
  HyperscanRaw(corpus, patterns, cfg, ours, report);
  Ripgrep(corpus, patterns, cfg, ours, report, &best_rg);
#ifdef DLP_BENCH_HAVE_RE2
  Re2Set(corpus, patterns, cfg, ours, report);
#else
  report->Text("RE2::Set", "not built (install libre2-dev and reconfigure)");
#endif
#ifdef DLP_BENCH_HAVE_PCRE2
  Pcre2(corpus, patterns, cfg, ours, report);
#else
  report->Text("PCRE2", "not built (install libpcre2-dev and reconfigure)");
#endif
  GnuGrep(corpus, patterns, cfg, ours, report);
  if (best_rg > 0) {
    report->Row("ratio: this engine / ripgrep's best configuration", ours / best_rg, "x",
                "target >= 1.5", "ratio_vs_ripgrep_best");
  }
}

}  // namespace dlp::bench
