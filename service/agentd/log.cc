#include "agentd/log.h"

#include <cstdio>
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

}  // namespace dlp::agentd
