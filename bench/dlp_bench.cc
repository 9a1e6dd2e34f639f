// dlp-bench: the engine's speed, the service's latency and footprint, and other engines on the
// same text and rules, in one run. Prints a table, then one line "DLP_BENCH_RESULT {json}".
// docs/BENCHMARKS.md explains the figures. Benchmarks are not tests: --quick proves it runs.
#include <hs/hs.h>
#include <unicode/uversion.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "bench_util.h"
#include "corpus.h"
#include "dlp/default_pack.h"
#include "dlp/engine.h"
#include "engine_bench.h"
#include "peers.h"
#include "rule_cost_bench.h"
#include "service_bench.h"

namespace {

const char kUsage[] =
    "Usage: dlp-bench [options]\n"
    "  --size MIB        corpus size (default 64)\n"
    "  --quick           a small, short run (CI: proves the benchmark works, judges nothing)\n"
    "  --runs N          repetitions per throughput figure (default 5)\n"
    "  --seed N          corpus seed (default 1)\n"
    "  --write-corpus F  write the corpus to F and exit\n"
    "  --rules F         exported rules (dlp-rules export --format regex) for the other engines;\n"
    "                    default: the built-in bundle, exported in process the same way\n"
    "  --agentd PATH     the dlp-agentd to start (default: the one built with this tool)\n"
    "  --no-peers        skip the other engines\n"
    "  --no-service      skip the service figures\n"
    "  --rule-costs      also time the loose view's Hyperscan database without each rule\n"
    "  --tmp DIR         scratch directory (default: a fresh one under $TMPDIR or /tmp)\n";

std::string CpuModel() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string LoadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dlp::bench;
  size_t size_mib = 64;
  bool quick = false, peers = true, service = true, rule_costs = false;
  int runs = 5;
  uint64_t seed = 1;
  std::string corpus_out, rules_file, tmp;
  std::string agentd = DLP_BENCH_AGENTD;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "dlp-bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") { std::cout << kUsage; return 0; }
    else if (a == "--size") size_mib = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--quick") quick = true;
    else if (a == "--runs") runs = std::atoi(next().c_str());
    else if (a == "--seed") seed = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--write-corpus") corpus_out = next();
    else if (a == "--rules") rules_file = next();
    else if (a == "--agentd") agentd = next();
    else if (a == "--no-peers") peers = false;
    else if (a == "--no-service") service = false;
    else if (a == "--rule-costs") rule_costs = true;
    else if (a == "--tmp") tmp = next();
    else { std::cerr << "dlp-bench: unknown option " << a << "\n" << kUsage; return 2; }
  }
  if (quick) {
    size_mib = 2;
    runs = 1;
  }
  if (size_mib == 0 || runs < 1) { std::cerr << "dlp-bench: --size and --runs must be positive\n"; return 2; }

  CorpusStats cs;
  auto t0 = Clock::now();
  const std::string corpus = GenerateCorpus(size_mib << 20, seed, &cs);
  double gen_ms = MsSince(t0);
  if (!corpus_out.empty()) {
    if (!WriteFile(corpus_out, corpus)) { std::cerr << "dlp-bench: cannot write " << corpus_out << "\n"; return 1; }
    std::cerr << "dlp-bench: wrote " << corpus.size() << " bytes to " << corpus_out << "\n";
    return 0;
  }
  if (tmp.empty()) {
    const char* t = std::getenv("TMPDIR");
    std::string templ = std::string(t && *t ? t : "/tmp") + "/dlp-bench-XXXXXX";
    if (!mkdtemp(templ.data())) { std::perror("dlp-bench: mkdtemp"); return 1; }
    tmp = templ;
  }
  std::filesystem::create_directories(tmp);

  std::printf("dlp-bench: %s, %ld online CPUs, load average %s\n", CpuModel().c_str(),
              sysconf(_SC_NPROCESSORS_ONLN), LoadAverage().c_str());
  std::printf("Hyperscan %s, ICU %s; corpus %zu MiB (seed %llu, generated in %.0f ms): %zu "
              "sensitive items, %zu NFD words, %zu zero-width characters\n",
              hs_version(), U_ICU_VERSION, size_mib, static_cast<unsigned long long>(seed), gen_ms,
              cs.sensitive_items, cs.nfd_words, cs.zero_width);
  std::fflush(stdout);

  dlp::RulePack pack;
  if (dlp::Status s = dlp::LoadDefaultPack(&pack); !s.ok()) {
    std::cerr << "dlp-bench: " << s.ToString() << "\n";
    return 1;
  }
  std::unique_ptr<dlp::Engine> engine;
  if (dlp::Status s = dlp::Engine::Create(pack, &engine); !s.ok()) {
    std::cerr << "dlp-bench: " << s.ToString() << "\n";
    return 1;
  }

  Report report;
  report.Key("corpus_mib", double(size_mib));
  BenchConfig bc;
  bc.runs = runs;
  bc.latency_iters = quick ? 50 : 1000;
  bc.synthetic_rules = quick ? 100 : 1000;
  bc.tmp_dir = tmp;
  double ours = RunEngineBench(*engine, corpus, bc, &report);
  RunCompileBench(pack, bc, &report);
  if (rule_costs) RunRuleCostBench(pack, corpus, bc, 12, &report);
  if (service) {
    ServiceConfig sc;
    sc.agentd = agentd;
    sc.tmp_dir = tmp;
    sc.latency_iters = quick ? 20 : 1000;
    sc.idle_s = quick ? 1 : 5;
    RunServiceBench(corpus, sc, &report);
  }
  if (peers) {
    std::string exported = rules_file.empty() ? ExportRegex(pack) : ReadFile(rules_file);
    PeerConfig pc;
    pc.corpus_path = tmp + "/corpus.txt";
    pc.tmp_dir = tmp;
    pc.quick = quick;
    pc.budget_s = quick ? 0.5 : 8;
    WriteFile(pc.corpus_path, corpus);
    WriteFile(tmp + "/rules.regex", exported);
    RunPeers(corpus, ParseExport(exported), pc, ours, &report);
  }
  // The targets against this run's figures (meaningful only on an idle machine).
  report.Section("Targets (issue 8; valid only if this machine was idle)");
  struct Target {
    const char* what;
    const char* key;
    double limit;
    bool at_least;  // figure >= limit, else figure <= limit
  };
  const Target targets[] = {
      {"end to end >= 300 MB/s", "e2e_mbps", 300, true},
      {"in-process paste 20 KiB p99 <= 1 ms", "paste_20k_p99_ms", 1, false},
      {"in-process paste 1 MiB p99 <= 25 ms", "paste_1m_p99_ms", 25, false},
      {"service verdict 20 KiB p99 <= 1 ms", "socket_20k_p99_ms", 1, false},
      {"service verdict 1 MiB p99 <= 25 ms", "socket_1m_p99_ms", 25, false},
      {"ours / ripgrep's best >= 1.5", "ratio_vs_ripgrep_best", 1.5, true},
      {"ready with a warm cache <= 100 ms", "service_ready_warm_ms", 100, false},
      {"idle RSS <= 25 MB", "service_rss_idle_mb", 25, false},
      {"wake-ups when idle = 0", "service_idle_wakeups_per_s", 0, false},
  };
  for (const Target& t : targets) {
    double v = 0;
    if (!report.Get(t.key, &v)) continue;  // not measured in this run
    const bool met = t.at_least ? v >= t.limit : v <= t.limit;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s (%.3g)", met ? "met" : "MISSED", v);
    report.Text(t.what, buf);
  }
  report.Print();
  std::printf("\nDLP_BENCH_RESULT %s\n", report.JsonLine().c_str());
  std::error_code ec;
  if (std::getenv("DLP_BENCH_KEEP") == nullptr) std::filesystem::remove_all(tmp, ec);
  return 0;
}
