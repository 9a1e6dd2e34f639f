// The client side of the dlp-agentd protocol (service/PROTOCOL.md) for dlp-agentctl: one
// connection, requests stamped with the protocol version and an id, replies matched by that id.
//
// Thread safety: an AgentClient belongs to one thread.
#ifndef DLP_SERVICE_CTL_CLIENT_H_
#define DLP_SERVICE_CTL_CLIENT_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "dlp/status.h"

namespace dlp::ctl {

class AgentClient {
 public:
  AgentClient() = default;
  ~AgentClient();
  AgentClient(const AgentClient&) = delete;
  AgentClient& operator=(const AgentClient&) = delete;

  // Connects to the service's socket. On failure the message is meant for a person:
  // "dlp-agentd is not running (connect to <path>: <reason>)".
  Status Connect(const std::string& socket_path);

  // Sends `request` (an object with "op" and the operation's fields; "v" and "id" are added)
  // and waits up to timeout_ms for the reply carrying the same id; pushed events that arrive in
  // between are skipped. OK means a reply arrived, which may still say "ok": false.
  Status Call(nlohmann::json request, nlohmann::json* reply, int timeout_ms = 120000);

 private:
  int fd_ = -1;
  int64_t next_id_ = 1;
  std::string path_;
};

// "code: message" of an error reply, or a note that the reply had no error object.
std::string ErrorText(const nlohmann::json& reply);

}  // namespace dlp::ctl

#endif  // DLP_SERVICE_CTL_CLIENT_H_
