#include "agentd/paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "ipc/unix_socket.h"

namespace dlp::agentd {
namespace {

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

Paths DefaultPaths(bool user_mode) {
  Paths p;
  p.user_mode = user_mode;
  p.socket = ipc::DefaultSocketPath(user_mode);
  if (!user_mode) {
    p.state_dir = "/var/lib/dlp-agent";
    p.bundle_dir = "/etc/dlp-agent/bundles";
    p.trusted_keys = "/etc/dlp-agent/trusted-keys";
    return p;
  }
  std::string home = Env("HOME", "/tmp");
  p.state_dir = Env("XDG_STATE_HOME", home + "/.local/state") + "/dlp-agent";
  std::string config = Env("XDG_CONFIG_HOME", home + "/.config") + "/dlp-agent";
  p.bundle_dir = config + "/bundles";
  p.trusted_keys = config + "/trusted-keys";
  return p;
}

Status PrepareDirectories(const Paths& p) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& dir : {p.state_dir, p.cache_dir(),
                                 fs::path(p.socket).parent_path().string()}) {
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir)) return Status::IOError("cannot create " + dir + ": " + ec.message());
  }
  // Without XDG_RUNTIME_DIR the socket lives under /tmp, where another user could have made the
  // directory first: refuse a socket directory that is not ours or is open to others.
  struct stat st {};
  std::string sock_dir = fs::path(p.socket).parent_path().string();
  if (p.user_mode &&
      (stat(sock_dir.c_str(), &st) != 0 || st.st_uid != getuid() || (st.st_mode & 0077) != 0) &&
      (chmod(sock_dir.c_str(), 0700) != 0 || stat(sock_dir.c_str(), &st) != 0 || st.st_uid != getuid()))
    return Status::IOError(sock_dir + " is not owned by this user; refusing to put the socket there");
  // The audit log and the install key are the service's alone.
  chmod(p.state_dir.c_str(), 0700);
  chmod(p.cache_dir().c_str(), 0700);
  // The socket directory must be searchable by every local user in system mode.
  chmod(fs::path(p.socket).parent_path().c_str(), p.user_mode ? 0700 : 0755);
  return Status::OK();
}

}  // namespace dlp::agentd
