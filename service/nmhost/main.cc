// dlp-nmhost: the browser's native-messaging host. A dumb relay between the extension (stdin and
// stdout, native-messaging frames) and dlp-agentd (its local socket, ipc frames); see relay.h.
//
// Chromium-family browsers start it as `dlp-nmhost chrome-extension://ID/` (on Windows also
// --parent-window=N), Firefox as `dlp-nmhost /path/to/manifest.json EXTENSION_ID`. The caller is
// passed on to the service in the host's hello (see relay.h): the user comes from the socket, the
// extension's origin from the browser, never from the extension's own messages. Exits 0 when the browser closes stdin (after relaying replies
// still owed for messages already sent).
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ipc/unix_socket.h"
#include "nmhost/relay.h"
#include "nmhost/stdio_channel.h"

namespace {

constexpr char kUsage[] =
    "Usage: dlp-nmhost [--socket PATH] [CALLER...]\n"
    "The native-messaging host of the leak-prevention extension; started by the browser.\n"
    "Relays framed JSON between stdin/stdout and dlp-agentd's socket (default:\n"
    "$DLP_AGENT_SOCKET, else /run/dlp-agent/agent.sock).\n";

// After stdin closes, replies still owed are waited for this long at most.
constexpr int kDrainMs = 30000;

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  std::string socket_path = dlp::ipc::DefaultSocketPath(false);
  std::vector<std::string> callers;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--socket" && i + 1 < argc) {
      socket_path = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stderr);  // never stdout: it carries frames only
      return 0;
    } else if (a.rfind("--", 0) == 0) {
      continue;  // --parent-window=N and future browser flags
    } else {
      callers.push_back(a);
    }
  }
  // Chromium passes the origin; Firefox the manifest's path and then the extension's id.
  std::string caller = callers.empty() ? "" : callers.size() >= 2 ? callers[1] : callers[0];
  if (std::getenv("DLP_NMHOST_DEBUG"))
    std::fprintf(stderr, "dlp-nmhost: caller %s, service %s\n", caller.c_str(),
                 socket_path.c_str());

  dlp::nmhost::StdioChannel browser(STDIN_FILENO, STDOUT_FILENO);
  dlp::nmhost::Relay relay(socket_path, caller, &browser);
  bool stdin_open = true;
  auto drain_deadline = std::chrono::steady_clock::time_point::max();

  for (;;) {
    if (!stdin_open) {
      if (relay.pending() == 0 || relay.service_fd() < 0) return 0;
      if (std::chrono::steady_clock::now() >= drain_deadline) {
        std::fputs("dlp-nmhost: gave up waiting for the service's last replies\n", stderr);
        return 0;
      }
    }
    pollfd fds[2];
    nfds_t n = 0;
    int stdin_slot = -1, svc_slot = -1;
    if (stdin_open) {
      stdin_slot = static_cast<int>(n);
      fds[n++] = {STDIN_FILENO, POLLIN, 0};
    }
    if (relay.service_fd() >= 0) {
      svc_slot = static_cast<int>(n);
      fds[n++] = {relay.service_fd(),
                  static_cast<short>(POLLIN | (relay.wants_write() ? POLLOUT : 0)), 0};
    }
    int r = poll(fds, n, stdin_open ? -1 : 200);
    if (r < 0) {
      if (errno == EINTR) continue;
      std::perror("dlp-nmhost: poll");
      return 1;
    }
    if (svc_slot >= 0 && fds[svc_slot].revents) {
      bool ok = true;
      if (fds[svc_slot].revents & POLLOUT) ok = relay.OnServiceWritable();
      if (ok && relay.service_fd() >= 0 && (fds[svc_slot].revents & (POLLIN | POLLHUP | POLLERR)))
        ok = relay.OnServiceReadable();
      if (!ok) return 0;  // the browser's end of stdout is gone
    }
    if (stdin_slot >= 0 && fds[stdin_slot].revents) {
      auto rr = browser.ReadSome();
      if (rr != dlp::nmhost::StdioChannel::ReadResult::kData) {
        if (browser.buffered() > 0)
          std::fputs("dlp-nmhost: stdin closed in the middle of a message\n", stderr);
        stdin_open = false;
        drain_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMs);
        continue;
      }
      std::string msg;
      for (;;) {
        auto st = browser.Next(&msg);
        if (st == dlp::ipc::FrameStatus::kTimeout) break;
        if (st == dlp::ipc::FrameStatus::kTooLarge) {
          // Framing is lost: say so once and stop; the browser restarts the host on reconnect.
          browser.Write(R"({"v":1,"id":null,"ok":false,"error":{"code":"too_large",)"
                        R"("message":"message exceeds 64 MiB"}})");
          std::fputs("dlp-nmhost: message from the browser exceeds 64 MiB\n", stderr);
          return 1;
        }
        if (!relay.OnBrowserMessage(msg)) return 0;
      }
    }
  }
}
