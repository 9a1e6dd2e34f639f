// The real service: dlp-agentd started as a child on a private socket and state directory,
// timed from exec to its first answer (cold compile, then warm cache), paste verdicts through
// the socket, its memory idle and under load, and how often it wakes up when idle.
#ifndef DLP_BENCH_SERVICE_BENCH_H_
#define DLP_BENCH_SERVICE_BENCH_H_

#include <string>

#include "bench_util.h"

namespace dlp::bench {

struct ServiceConfig {
  std::string agentd;   // path of dlp-agentd
  std::string tmp_dir;  // a fresh directory for its socket and state
  int latency_iters = 1000;
  double idle_s = 3;    // how long the idle wake-ups are counted
};

void RunServiceBench(const std::string& corpus, const ServiceConfig& cfg, Report* report);

}  // namespace dlp::bench

#endif  // DLP_BENCH_SERVICE_BENCH_H_
