// Small helpers shared by the benchmark parts: timing, medians and percentiles, the report
// table, and running another program to time it.
#ifndef DLP_BENCH_BENCH_UTIL_H_
#define DLP_BENCH_BENCH_UTIL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dlp::bench {

using Clock = std::chrono::steady_clock;

inline double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double Median(std::vector<double> v);
// Nearest-rank percentile, p in [0, 100].
double Percentile(std::vector<double> v, double p);
// Runs `fn` `runs` times and returns the median wall time in ms.
// The median time of `runs` calls of fn, in ms; the fastest in *best_ms if given (on a VM
// whose neighbours come and go, the best run moves less than the median between runs).
double MedianMs(int runs, const std::function<void()>& fn, double* best_ms = nullptr);
inline double MBps(size_t bytes, double ms) { return ms > 0 ? bytes / 1e6 / (ms / 1e3) : 0; }

// The report: rows grouped by section, printed as an aligned table, plus a flat key -> number
// map printed as one JSON line at the end for scripts.
class Report {
 public:
  void Section(const std::string& title);
  // `key` (may be empty) goes into the machine-readable line with `value`.
  void Row(const std::string& what, double value, const std::string& unit,
           const std::string& note = "", const std::string& key = "");
  void Text(const std::string& what, const std::string& text);
  void Key(const std::string& key, double value);  // machine-readable only
  // The value recorded under `key`, if any.
  bool Get(const std::string& key, double* value) const;
  void Print() const;
  std::string JsonLine() const;

 private:
  struct Line {
    bool section = false;
    std::string what, value, unit, note;
  };
  std::vector<Line> lines_;
  std::vector<std::pair<std::string, double>> keys_;
};

// Runs argv (argv[0] looked up in PATH) with stdout to `stdout_path` ("" = /dev/null) and
// returns its exit status (-1 if it could not run) and wall time.
struct RunResult {
  int status = -1;
  double ms = 0;
};
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdout_path,
                     const std::vector<std::string>& extra_env = {});
// True if `name` is an executable in PATH.
bool InPath(const std::string& name);
std::string ReadFile(const std::string& path);
bool WriteFile(const std::string& path, const std::string& data);

}  // namespace dlp::bench

#endif  // DLP_BENCH_BENCH_UTIL_H_
