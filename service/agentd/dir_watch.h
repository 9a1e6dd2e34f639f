// Tells the service when files in its bundle directories change, so a dropped or downloaded
// bundle is picked up at once while an idle service never wakes up.
//
// On Linux (linux/dir_watch.cc) this is inotify: the thread sleeps in poll() with no timeout
// until something is written, renamed, deleted or has its mode changed in a watched directory.
// A directory that does not exist yet is waited for through its nearest existing ancestor.
// Elsewhere, or when inotify cannot be used (watch limit reached, a filesystem without it),
// the directories are polled every `poll_ms` (portable/dir_watch.cc), and mode() says so.
//
// Changes are coalesced: `on_change` runs once the directories have been quiet for `settle_ms`
// (a bundle copied from a USB stick arrives as many writes), and at most once per burst.
//
// Thread safety: Start and Stop from one thread; on_change runs on the watcher's own thread.
#ifndef DLP_SERVICE_AGENTD_DIR_WATCH_H_
#define DLP_SERVICE_AGENTD_DIR_WATCH_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dlp/status.h"

namespace dlp::agentd {

struct DirWatchOptions {
  std::vector<std::string> dirs;
  int settle_ms = 200;
  int poll_ms = 2000;        // only when inotify is unavailable
  bool force_polling = false;  // for tests of the fallback
};

class DirWatch {
 public:
  DirWatch(DirWatchOptions opt, std::function<void()> on_change);
  ~DirWatch();  // stops the thread
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  // Starts the watcher thread. Fails only if no thread or wake-up descriptor can be created.
  Status Start();
  void Stop();
  // "inotify" or "polling every N ms (reason)", for the service's log.
  std::string mode() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_DIR_WATCH_H_
