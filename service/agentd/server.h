// The socket side of dlp-agentd: accepts local connections and gives each its own thread, which
// reads frames, asks the Handler, and writes replies. A slow or stalled client therefore holds
// only its own thread (and is dropped after a timeout); scans run on the shared worker pool.
//
// Thread safety: Run() blocks until Stop() is called from another thread or a signal handler.
// Nothing here wakes on a timer: the accept loop and every connection thread sleep in poll()
// on their socket and on a stop pipe, so an idle service costs no CPU.
#ifndef DLP_SERVICE_AGENTD_SERVER_H_
#define DLP_SERVICE_AGENTD_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "agentd/handler.h"

namespace dlp::agentd {

struct ServerOptions {
  std::string socket_path;
  unsigned socket_mode = 0600;
  int max_connections = 256;
  int max_connections_per_user = 32;     // one user cannot lock the others out
  int idle_timeout_ms = 10 * 60 * 1000;  // an idle, unsubscribed connection is closed
  int frame_timeout_ms = 10 * 1000;      // a frame must arrive whole within this once started
};

class Server {
 public:
  Server(ServerOptions opt, Handler* handler, Subscribers* subs)
      : opt_(std::move(opt)), handler_(handler), subs_(subs) {}
  Status Listen();
  void Run();
  // Async-signal-safe: sets a flag and writes one byte to the stop pipe, which every thread of
  // the server polls (the byte is never read, so all of them see it).
  void Stop();

 private:
  void Serve(int fd);
  ServerOptions opt_;
  Handler* handler_;
  Subscribers* subs_;
  int listen_fd_ = -1;
  // Never closed: detached connection threads may still be polling it while the process exits,
  // and a closed descriptor could be reused by something else under them.
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex drain_mu_;                // with drained_: Run waits for connection threads to end
  std::condition_variable drained_;
  std::mutex users_mu_;
  std::map<uint32_t, int> per_user_;  // open connections per uid
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_SERVER_H_
