// The forwarding half of dlp-nmhost: each message from the browser goes to dlp-agentd unchanged
// as one ipc frame, each frame from the service (replies and pushed events) goes back to the
// browser unchanged. The relay decides nothing: it only answers for the service when the service
// cannot (unreachable or dropped: "unavailable"), when the browser sent something that is not a
// JSON object ("not_json"), or when a reply exceeds the browser's 1 MiB limit ("too_large").
// The connection is opened on the first message and reopened on the next message after a drop;
// each new connection starts with the host's own hello naming the caller the browser reported
// (its reply is not relayed), so the service knows which extension speaks on it.
//
// Thread safety: a Relay belongs to one thread (the host's poll loop).
#ifndef DLP_SERVICE_NMHOST_RELAY_H_
#define DLP_SERVICE_NMHOST_RELAY_H_

#include <nlohmann/json.hpp>

#include <deque>
#include <string>

#include "ipc/framing.h"
#include "nmhost/stdio_channel.h"

namespace dlp::nmhost {

class Relay {
 public:
  // `origin`: the calling extension as the browser named it ("" if none).
  Relay(std::string socket_path, std::string origin, StdioChannel* browser);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // A whole message from the browser. False if the browser can no longer be written to.
  bool OnBrowserMessage(const std::string& payload);
  // The service socket is readable / writable (poll on service_fd()).
  bool OnServiceReadable();
  bool OnServiceWritable();

  int service_fd() const { return fd_; }
  bool wants_write() const { return fd_ >= 0 && !out_.empty(); }
  size_t pending() const { return pending_.size(); }
  // Answers every request still waiting with "unavailable" and closes the connection.
  bool Drop(const std::string& why);

 private:
  bool Reply(const nlohmann::json& id, const char* code, const std::string& message);
  bool Connect();

  std::string path_;
  std::string origin_;
  bool hello_reply_owed_ = false;  // the first reply on a connection answers our own hello
  StdioChannel* browser_;
  int fd_ = -1;
  std::string out_;                     // frames not yet sent to the service
  ipc::FrameDecoder in_;                // frames from the service
  std::deque<nlohmann::json> pending_;  // ids of requests sent and not yet answered, in order
};

}  // namespace dlp::nmhost

#endif  // DLP_SERVICE_NMHOST_RELAY_H_
