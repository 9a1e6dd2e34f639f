// The platform half of DirWatch (dir_watch.h): a blocking wait for "something changed in one of
// these directories". linux/ has inotify; portable/ has none, and DirWatch then polls.
#ifndef DLP_SERVICE_AGENTD_DIR_WATCH_NATIVE_H_
#define DLP_SERVICE_AGENTD_DIR_WATCH_NATIVE_H_

#include <memory>
#include <string>
#include <vector>

namespace dlp::agentd {

class NativeDirWatch {
 public:
  enum class Result { kChanged, kTimeout, kInterrupted, kFailed };
  // nullptr with *why_not set when this platform or this machine cannot watch.
  static std::unique_ptr<NativeDirWatch> Create(const std::vector<std::string>& dirs,
                                                std::string* why_not);
  virtual ~NativeDirWatch() = default;
  // Blocks until a change (kChanged), timeout_ms passes (kTimeout; -1 waits forever),
  // Interrupt() is called (kInterrupted, and every later call too), or the watch breaks
  // (kFailed: the caller falls back to polling).
  virtual Result Wait(int timeout_ms) = 0;
  // Thread-safe; wakes a Wait in progress.
  virtual void Interrupt() = 0;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_DIR_WATCH_NATIVE_H_
