#include "agentd/dir_watch.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "agentd/dir_watch_native.h"

namespace dlp::agentd {
namespace {

// What polling compares: every entry's name, size and modification time.
using Snapshot = std::map<std::string, std::pair<uintmax_t, int64_t>>;

Snapshot Take(const std::vector<std::string>& dirs) {
  Snapshot s;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      struct stat st;
      if (stat(it->path().c_str(), &st) != 0) continue;
      s[it->path().string()] = {static_cast<uintmax_t>(st.st_size),
                                int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
    }
  }
  return s;
}

// A burst of writes is one change; but a directory written to without pause (a runaway copy)
// still gets looked at every few seconds.
constexpr int kMaxSettleMs = 3000;

}  // namespace

struct DirWatch::Impl {
  DirWatchOptions opt;
  std::function<void()> on_change;
  std::unique_ptr<NativeDirWatch> native;
  std::string mode;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;

  void RunNative() {
    while (true) {
      auto r = native->Wait(-1);
      if (r == NativeDirWatch::Result::kInterrupted) return;
      if (r == NativeDirWatch::Result::kFailed) break;
      if (r != NativeDirWatch::Result::kChanged) continue;
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kMaxSettleMs);
      while (std::chrono::steady_clock::now() < until &&
             (r = native->Wait(opt.settle_ms)) == NativeDirWatch::Result::kChanged) {
      }
      if (r == NativeDirWatch::Result::kInterrupted) return;
      on_change();
      if (r == NativeDirWatch::Result::kFailed) break;
    }
    // The watch broke (e.g. the watch limit was reached while re-arming): poll from now on.
    {
      std::lock_guard<std::mutex> lock(mu);
      mode = "polling every " + std::to_string(opt.poll_ms) + " ms (inotify failed)";
      native.reset();  // under mu: Stop() may be interrupting it right now
    }
    RunPolling();
  }

  void RunPolling() {
    Snapshot last = Take(opt.dirs);
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(opt.poll_ms), [this] { return stop; })) {
      lock.unlock();
      Snapshot now = Take(opt.dirs);
      if (now != last) {
        last = std::move(now);
        on_change();
      }
      lock.lock();
    }
  }
};

DirWatch::DirWatch(DirWatchOptions opt, std::function<void()> on_change)
    : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
  impl_->on_change = std::move(on_change);
}

DirWatch::~DirWatch() { Stop(); }

Status DirWatch::Start() {
  Impl* im = impl_.get();
  std::string why_not = "disabled";
  if (!im->opt.force_polling) im->native = NativeDirWatch::Create(im->opt.dirs, &why_not);
  if (im->native) {
    im->mode = "inotify";
  } else {
    im->mode = "polling every " + std::to_string(im->opt.poll_ms) + " ms (" + why_not + ")";
  }
  try {
    im->thread = std::thread([im] {
      if (im->native) im->RunNative();
      else im->RunPolling();
    });
  } catch (const std::system_error& e) {
    return Status::IOError(std::string("cannot start the bundle directory watcher: ") + e.what());
  }
  return Status::OK();
}

void DirWatch::Stop() {
  if (!impl_->thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stop = true;
    if (impl_->native) impl_->native->Interrupt();
  }
  impl_->cv.notify_all();
  impl_->thread.join();
}

std::string DirWatch::mode() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->mode;
}

}  // namespace dlp::agentd
