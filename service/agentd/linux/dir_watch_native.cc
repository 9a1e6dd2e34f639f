// inotify for DirWatch. Each watched directory that exists has its own watch; one that does not
// exist yet (a fresh install before the first bundle arrives) is replaced by a watch on its
// nearest existing ancestor, and every event re-arms, so the directory is picked up the moment
// it is created. An eventfd wakes the blocking poll() for shutdown.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "agentd/dir_watch_native.h"

namespace dlp::agentd {
namespace {

constexpr uint32_t kDirEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr uint32_t kAncestorEvents = IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Parent(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

class InotifyWatch : public NativeDirWatch {
 public:
  InotifyWatch(std::vector<std::string> dirs, int ifd, int efd)
      : dirs_(std::move(dirs)), ifd_(ifd), efd_(efd) {}
  ~InotifyWatch() override {
    close(ifd_);
    close(efd_);
  }

  // Adds a watch on each directory, or on its nearest existing ancestor. False if the kernel
  // refuses a watch (limit reached): the caller polls instead.
  bool Arm(std::string* why_not) {
    for (const std::string& dir : dirs_) {
      std::string target = dir;
      uint32_t mask = kDirEvents;
      while (!IsDir(target) && target != "/" && target != ".") {
        target = Parent(target);
        mask = kAncestorEvents;
      }
      // IN_MASK_ADD: a directory may be both watched itself and the ancestor of a missing one.
      if (inotify_add_watch(ifd_, target.c_str(), mask | IN_ONLYDIR | IN_MASK_ADD) < 0) {
        if (why_not != nullptr)
          *why_not = "inotify_add_watch(" + target + "): " + std::strerror(errno);
        return false;
      }
    }
    return true;
  }

  Result Wait(int timeout_ms) override {
    pollfd fds[2] = {{ifd_, POLLIN, 0}, {efd_, POLLIN, 0}};
    int r;
    do r = poll(fds, 2, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0) return Result::kFailed;
    if (fds[1].revents != 0) return Result::kInterrupted;
    if (r == 0) return Result::kTimeout;
    alignas(inotify_event) char buf[16384];
    bool any = false;
    while (true) {
      ssize_t n = read(ifd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      any = true;
    }
    if (!any) return Result::kTimeout;
    // Whatever happened (a file, a directory created, moved or removed), the set of watches may
    // need to follow it. inotify_add_watch on an already watched inode only updates its mask.
    if (!Arm(nullptr)) return Result::kFailed;
    return Result::kChanged;
  }

  void Interrupt() override {
    uint64_t one = 1;
    ssize_t ignored = write(efd_, &one, sizeof one);
    (void)ignored;
  }

 private:
  std::vector<std::string> dirs_;
  int ifd_, efd_;
};

}  // namespace

std::unique_ptr<NativeDirWatch> NativeDirWatch::Create(const std::vector<std::string>& dirs,
                                                       std::string* why_not) {
  int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (ifd < 0) {
    *why_not = std::string("inotify_init1: ") + std::strerror(errno);
    return nullptr;
  }
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) {
    *why_not = std::string("eventfd: ") + std::strerror(errno);
    close(ifd);
    return nullptr;
  }
  auto w = std::make_unique<InotifyWatch>(dirs, ifd, efd);
  if (!w->Arm(why_not)) return nullptr;
  return w;
}

}  // namespace dlp::agentd
