#include "ipc/unix_socket.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace dlp::ipc {
namespace {

Status Fill(const std::string& path, sockaddr_un* addr) {
  if (path.size() >= sizeof(addr->sun_path))
    return Status::InvalidArgument("socket path too long: " + path);
  std::memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
  return Status::OK();
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Status ListenLocal(const std::string& path, unsigned mode, int* fd) {
  sockaddr_un addr;
  if (Status s = Fill(path, &addr); !s.ok()) return s;
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return Status::IOError(Errno("socket"));
  unlink(path.c_str());  // a stale socket from a killed service
  // Bind under a restrictive umask, then open up to `mode`: never a moment with wider access.
  mode_t old = umask(0177);
  int rc = bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old);
  if (rc != 0 || chmod(path.c_str(), mode) != 0 || listen(s, 128) != 0) {
    Status st = Status::IOError(Errno("listen on " + path));
    close(s);
    return st;
  }
  *fd = s;
  return Status::OK();
}

Status ConnectLocal(const std::string& path, int* fd) {
  sockaddr_un addr;
  if (Status s = Fill(path, &addr); !s.ok()) return s;
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return Status::IOError(Errno("socket"));
  if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Status st = Status::IOError(Errno("connect to " + path));
    close(s);
    return st;
  }
  *fd = s;
  return Status::OK();
}

Status PeerOf(int fd, PeerIdentity* out) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return Status::IOError(Errno("SO_PEERCRED"));
  out->uid = cred.uid;
  out->gid = cred.gid;
  out->pid = cred.pid;
  passwd pw{}, *res = nullptr;
  char buf[1024];
  if (getpwuid_r(cred.uid, &pw, buf, sizeof buf, &res) == 0 && res)
    out->user = res->pw_name;
  else
    out->user = "uid:" + std::to_string(cred.uid);
  return Status::OK();
}

void SetSendTimeout(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string DefaultSocketPath(bool user_mode) {
  if (const char* env = std::getenv("DLP_AGENT_SOCKET"); env && *env) return env;
  if (user_mode) {
    const char* rt = std::getenv("XDG_RUNTIME_DIR");
    std::string base = rt && *rt ? rt : "/tmp/dlp-agent-" + std::to_string(getuid());
    return base + "/dlp-agent/agent.sock";
  }
  return "/run/dlp-agent/agent.sock";
}

}  // namespace dlp::ipc
