#include "bench_util.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace dlp::bench {

double Median(std::vector<double> v) { return Percentile(std::move(v), 50); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

double MedianMs(int runs, const std::function<void()>& fn, double* best_ms) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    fn();
    t.push_back(MsSince(t0));
  }
  if (best_ms) *best_ms = t.empty() ? 0 : *std::min_element(t.begin(), t.end());
  return Median(t);
}

namespace {
std::string Fixed(double v) {
  char buf[64];
  if (v != 0 && std::fabs(v) < 0.1) std::snprintf(buf, sizeof buf, "%.3f", v);
  else if (std::fabs(v) < 100) std::snprintf(buf, sizeof buf, "%.2f", v);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}
}  // namespace

void Report::Section(const std::string& title) { lines_.push_back({true, title, "", "", ""}); }

void Report::Row(const std::string& what, double value, const std::string& unit,
                 const std::string& note, const std::string& key) {
  lines_.push_back({false, what, Fixed(value), unit, note});
  if (!key.empty()) Key(key, value);
}

void Report::Text(const std::string& what, const std::string& text) {
  lines_.push_back({false, what, "", "", text});
}

void Report::Key(const std::string& key, double value) { keys_.push_back({key, value}); }

bool Report::Get(const std::string& key, double* value) const {
  for (const auto& [k, v] : keys_) {
    if (k == key) {
      *value = v;
      return true;
    }
  }
  return false;
}

void Report::Print() const {
  size_t w = 0;
  for (const Line& l : lines_)
    if (!l.section) w = std::max(w, l.what.size());
  for (const Line& l : lines_) {
    if (l.section) {
      std::printf("\n%s\n", l.what.c_str());
      continue;
    }
    std::printf("  %-*s %10s %-6s %s\n", int(w), l.what.c_str(), l.value.c_str(), l.unit.c_str(),
                l.note.c_str());
  }
  std::fflush(stdout);
}

std::string Report::JsonLine() const {
  std::ostringstream o;
  o << "{";
  for (size_t i = 0; i < keys_.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", keys_[i].second);
    o << (i ? "," : "") << "\"" << keys_[i].first << "\":" << buf;
  }
  o << "}";
  return o.str();
}

RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdout_path,
                     const std::vector<std::string>& extra_env) {
  RunResult r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, stdout_path.empty() ? "/dev/null" : stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) env_store.push_back(*e);
  for (const auto& e : extra_env) env_store.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_store) env.push_back(e.data());
  env.push_back(nullptr);
  auto t0 = Clock::now();
  pid_t pid;
  if (posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), env.data()) == 0) {
    int st = 0;
    waitpid(pid, &st, 0);
    r.ms = MsSince(t0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  posix_spawn_file_actions_destroy(&fa);
  return r;
}

bool InPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(f);
}

}  // namespace dlp::bench
