#include "agentd/log.h"

#include <cstdio>
#include <ctime>
#include <mutex>

namespace dlp::agentd {
namespace {

std::mutex mu;

void Write(const char* level, const std::string& line) {
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "dlp-agentd %s: %s\n", level, line.c_str());
  std::fflush(stderr);
}

}  // namespace

void LogInfo(const std::string& line) { Write("info", line); }
void LogWarning(const std::string& line) { Write("warning", line); }
void LogError(const std::string& line) { Write("error", line); }

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace dlp::agentd
