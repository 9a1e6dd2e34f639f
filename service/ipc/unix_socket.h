// Local stream sockets and the kernel's word on who is at the other end. The POSIX version is in
// posix/; a Windows named-pipe version would sit in windows/ behind the same functions.
#ifndef DLP_SERVICE_IPC_UNIX_SOCKET_H_
#define DLP_SERVICE_IPC_UNIX_SOCKET_H_

#include <cstdint>
#include <string>

#include "dlp/status.h"

namespace dlp::ipc {

struct PeerIdentity {
  uint32_t uid = 0;
  uint32_t gid = 0;
  int32_t pid = 0;
  std::string user;  // from the password database; "uid:N" when it has no name
};

// Creates (replacing a stale socket file) and listens on `path` with file mode `mode`.
Status ListenLocal(const std::string& path, unsigned mode, int* fd);
Status ConnectLocal(const std::string& path, int* fd);
// Identity of the process at the other end of a connected socket, from the kernel.
Status PeerOf(int fd, PeerIdentity* out);
// Bounds how long a write to a peer that stopped reading may block.
void SetSendTimeout(int fd, int ms);
// The socket path: $DLP_AGENT_SOCKET, else the user-mode path if `user_mode`
// ($XDG_RUNTIME_DIR/dlp-agent/agent.sock), else /run/dlp-agent/agent.sock.
std::string DefaultSocketPath(bool user_mode);

}  // namespace dlp::ipc

#endif  // DLP_SERVICE_IPC_UNIX_SOCKET_H_
