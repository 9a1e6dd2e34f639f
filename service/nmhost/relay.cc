#include "nmhost/relay.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "ipc/json_depth.h"
#include "ipc/json_parse.h"
#include "ipc/unix_socket.h"

namespace dlp::nmhost {
namespace {

using nlohmann::json;

// Replies from the service are not bounded by the protocol; beyond this, framing is given up.
constexpr uint32_t kMaxFromService = 64u << 20;

void Diag(const std::string& msg) { std::fprintf(stderr, "dlp-nmhost: %s\n", msg.c_str()); }


}  // namespace

Relay::Relay(std::string socket_path, std::string origin, StdioChannel* browser)
    : path_(std::move(socket_path)), origin_(std::move(origin)), browser_(browser),
      in_(kMaxFromService) {}

Relay::~Relay() {
  if (fd_ >= 0) close(fd_);
}

bool Relay::Reply(const json& id, const char* code, const std::string& message) {
  json r = {{"v", 1}, {"id", id}, {"ok", false},
            {"error", {{"code", code}, {"message", message}}}};
  std::string s = r.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMaxToBrowser) {  // the echoed id alone is too large for the browser
    r["id"] = nullptr;
    s = r.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return browser_->Write(s);
}

bool Relay::Connect() {
  int fd = -1;
  if (Status s = ipc::ConnectLocal(path_, &fd); !s.ok()) {
    Diag(s.message());
    return false;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fd_ = fd;
  in_ = ipc::FrameDecoder(kMaxFromService);
  json hello = {{"v", 1}, {"id", "nmhost-hello"}, {"op", "hello"}, {"client", "nmhost"}};
  if (!origin_.empty()) hello["origin"] = origin_;
  out_ = ipc::EncodeFrame(hello.dump(-1, ' ', false, json::error_handler_t::replace));
  hello_reply_owed_ = true;
  return true;
}

bool Relay::Drop(const std::string& why) {
  if (fd_ >= 0) {
    Diag("connection to dlp-agentd lost: " + why);
    close(fd_);
    fd_ = -1;
  }
  out_.clear();
  bool ok = true;
  while (!pending_.empty()) {
    json id = std::move(pending_.front());
    pending_.pop_front();
    ok = Reply(id, "unavailable", "dlp-agentd is not running") && ok;
  }
  return ok;
}

bool Relay::OnBrowserMessage(const std::string& payload) {
  // The only look inside: is it a JSON object? The bytes are forwarded as they came.
  json msg;
  ipc::ParseResult parsed = ipc::ParseMessage(payload, ipc::kMaxJsonDepth, &msg);
  if (parsed == ipc::ParseResult::kNotJson)
    return Reply(nullptr, "not_json", "the message is not a JSON object");
  if (parsed == ipc::ParseResult::kTooDeep)
    return Reply(nullptr, "bad_request",
                 "the message is nested deeper than " + std::to_string(ipc::kMaxJsonDepth) + " levels");
  json id = msg.contains("id") ? msg["id"] : json(nullptr);
  if (fd_ < 0 && !Connect()) return Reply(id, "unavailable", "dlp-agentd is not running");
  out_ += ipc::EncodeFrame(payload);
  pending_.push_back(std::move(id));
  return OnServiceWritable();  // try now; the rest goes when the socket is writable
}

bool Relay::OnServiceWritable() {
  while (fd_ >= 0 && !out_.empty()) {
    ssize_t k = send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      return Drop(std::string("send: ") + std::strerror(errno));
    }
    out_.erase(0, static_cast<size_t>(k));
  }
  return true;
}

bool Relay::OnServiceReadable() {
  char buf[64 * 1024];
  ssize_t k = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (k < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return true;
    return Drop(std::string("recv: ") + std::strerror(errno));
  }
  if (k == 0) return Drop("closed by the service");
  in_.Feed(std::string_view(buf, static_cast<size_t>(k)));
  std::string frame;
  for (;;) {
    ipc::FrameStatus st = in_.Next(&frame);
    if (st == ipc::FrameStatus::kTimeout) return true;
    if (st != ipc::FrameStatus::kOk) return Drop("reply frame too large, framing lost");
    // Replies come in request order; pushed events ({"event": ...} without "ok") come between.
    json r = json::parse(frame, nullptr, false);
    bool event = r.is_object() && r.contains("event") && !r.contains("ok");
    if (!event && hello_reply_owed_) {
      hello_reply_owed_ = false;
      if (!r.is_object() || r.value("ok", false) != true) Diag("the service refused the host's hello");
      continue;
    }
    json id = nullptr;
    if (!event && !pending_.empty()) {
      id = std::move(pending_.front());
      pending_.pop_front();
    }
    if (frame.size() <= kMaxToBrowser) {
      if (!browser_->Write(frame)) return false;
    } else if (event) {
      Diag("dropped an event of " + std::to_string(frame.size()) + " bytes (browser limit 1 MiB)");
    } else {
      if (r.is_object() && r.contains("id")) id = r["id"];
      if (!Reply(id, "too_large", "the reply exceeds the browser's 1 MiB limit")) return false;
    }
  }
}

}  // namespace dlp::nmhost
