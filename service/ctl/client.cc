#include "ctl/client.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "ipc/framing.h"
#include "ipc/unix_socket.h"

namespace dlp::ctl {
namespace {

using nlohmann::json;

// Replies may carry a redacted copy of a 16 MiB request plus its findings: allow more than the
// request limit, but not an unbounded allocation on a bogus length.
constexpr uint32_t kMaxReplyBytes = 256u << 20;

}  // namespace

AgentClient::~AgentClient() {
  if (fd_ >= 0) close(fd_);
}

Status AgentClient::Connect(const std::string& socket_path) {
  path_ = socket_path;
  Status s = ipc::ConnectLocal(socket_path, &fd_);
  if (s.ok()) {
    ipc::SetSendTimeout(fd_, 30000);
    return s;
  }
  int err = errno;  // ConnectLocal's close() after a failed connect leaves errno alone on success
  if (err == EACCES || err == EPERM)
    return Status::IOError("cannot reach dlp-agentd (" + s.message() + ")");
  return Status::IOError("dlp-agentd is not running (" + s.message() + ")");
}

Status AgentClient::Call(json request, json* reply, int timeout_ms) {
  if (fd_ < 0) return Status::IOError("not connected to dlp-agentd");
  const int64_t id = next_id_++;
  request["v"] = 1;
  request["id"] = id;
  // Text read from files need not be valid UTF-8; the caller was told, the service gets U+FFFD.
  std::string payload = request.dump(-1, ' ', false, json::error_handler_t::replace);
  if (payload.size() > ipc::kMaxRequestBytes)
    return Status::InvalidArgument("the request is " + std::to_string(payload.size()) +
                                   " bytes; dlp-agentd accepts at most " +
                                   std::to_string(ipc::kMaxRequestBytes) + " bytes per request");
  if (Status s = ipc::WriteFrame(fd_, payload); !s.ok())
    return Status::IOError("sending to dlp-agentd at " + path_ + ": " + s.message());
  while (true) {
    std::string frame;
    ipc::FrameStatus st = ipc::ReadFrame(fd_, kMaxReplyBytes, timeout_ms, &frame);
    if (st == ipc::FrameStatus::kTimeout)
      return Status::IOError("dlp-agentd did not answer within " + std::to_string(timeout_ms / 1000) +
                             " s");
    if (st != ipc::FrameStatus::kOk)
      return Status::IOError(std::string("dlp-agentd closed the connection (") +
                             ipc::FrameStatusName(st) + ")");
    json j = json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return Status::Corruption("dlp-agentd sent a reply that is not a JSON object");
    if (j.contains("event") && !j.contains("ok")) continue;  // a pushed event, not our reply
    // A reply without our id: the service could not read the request well enough to echo it
    // (framing errors); it is still the answer to this request.
    if (j.contains("id") && !j["id"].is_null() && j["id"] != id) continue;
    *reply = std::move(j);
    return Status::OK();
  }
}

std::string ErrorText(const json& reply) {
  if (reply.contains("error") && reply["error"].is_object()) {
    const json& e = reply["error"];
    std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>()
                                                                    : "error";
    std::string msg = e.contains("message") && e["message"].is_string()
                          ? e["message"].get<std::string>() : "";
    return msg.empty() ? code : code + ": " + msg;
  }
  return "the service refused the request without saying why";
}

}  // namespace dlp::ctl
