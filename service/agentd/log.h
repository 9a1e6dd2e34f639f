// The service's log: one line per event on stderr (journald adds time and unit). Never the text
// a user pasted or a matched value: callers pass rule ids, counts and masked excerpts only.
#ifndef DLP_SERVICE_AGENTD_LOG_H_
#define DLP_SERVICE_AGENTD_LOG_H_

#include <string>

namespace dlp::agentd {

void LogInfo(const std::string& line);
void LogWarning(const std::string& line);
void LogError(const std::string& line);

// The current time as RFC 3339 UTC to the second ("2026-11-22T04:52:12Z").
std::string UtcNow();

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_LOG_H_
