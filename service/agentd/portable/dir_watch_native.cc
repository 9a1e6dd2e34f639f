// No native directory watch on this platform: DirWatch polls.
#include "agentd/dir_watch_native.h"

namespace dlp::agentd {

std::unique_ptr<NativeDirWatch> NativeDirWatch::Create(const std::vector<std::string>&,
                                                       std::string* why_not) {
  *why_not = "no directory notification on this platform";
  return nullptr;
}

}  // namespace dlp::agentd
