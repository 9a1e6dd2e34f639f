#include "agentd/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "agentd/log.h"
#include "ipc/framing.h"
#include "ipc/json_depth.h"
#include "ipc/json_parse.h"

namespace dlp::agentd {
namespace {

using nlohmann::json;

// A connection keeps its frame buffer between requests up to this size (pastes of a few KiB).
constexpr size_t kKeptFrameBytes = 256 * 1024;

void ReplyBytes(Connection& c, std::string_view bytes) {
  std::lock_guard<std::mutex> lock(c.write_mu);
  if (c.dead) return;
  if (!ipc::WriteFrame(c.fd, bytes).ok()) {
    c.dead = true;
    shutdown(c.fd, SHUT_RDWR);
  }
}

void Reply(Connection& c, const json& reply) {
  // Replies may echo ids or names that are not valid UTF-8; never let that kill a connection.
  ReplyBytes(c, reply.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

Status Server::Listen() {
  if (stop_pipe_[0] < 0 && pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0)
    return Status::IOError("cannot create the server's stop pipe");
  return ipc::ListenLocal(opt_.socket_path, opt_.socket_mode, &listen_fd_);
}

void Server::Stop() {
  stop_ = true;
  if (stop_pipe_[1] >= 0) {
    char byte = 's';
    ssize_t ignored = write(stop_pipe_[1], &byte, 1);
    (void)ignored;
  }
}

void Server::Run() {
  while (!stop_) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(p, 2, -1) <= 0 || p[1].revents != 0 || (p[0].revents & POLLIN) == 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    if (connections_ >= opt_.max_connections) {
      ipc::SetSendTimeout(fd, 200);
      ipc::WriteFrame(fd, Handler::Error(json(), "busy", "too many connections").dump());
      close(fd);
      continue;
    }
    ++connections_;
    std::thread([this, fd] {
      Serve(fd);
      std::lock_guard<std::mutex> lock(drain_mu_);
      --connections_;
      drained_.notify_all();
    }).detach();
  }
  close(listen_fd_);
  unlink(opt_.socket_path.c_str());
  // The connection threads see the stop pipe and leave after the request they are serving. Wait
  // for them: main() destroys the handler, the audit log and the forwarder once Run returns,
  // and a scan still recording an incident would use them. A client stuck on a full socket is
  // cut off by the send timeout, so this wait is bounded; the limit is a last resort.
  std::unique_lock<std::mutex> lock(drain_mu_);
  if (!drained_.wait_for(lock, std::chrono::seconds(15), [this] { return connections_ == 0; }))
    LogWarning(std::to_string(connections_.load()) + " connections still busy at shutdown");
}

void Server::Serve(int fd) {
  auto conn = std::make_shared<Connection>();
  conn->fd = fd;
  ipc::PeerIdentity peer;
  if (!ipc::PeerOf(fd, &peer).ok()) {
    close(fd);
    return;
  }
  conn->uid = peer.uid;
  ipc::SetSendTimeout(fd, 2000);
  {
    std::lock_guard<std::mutex> lock(users_mu_);
    if (per_user_[peer.uid] >= opt_.max_connections_per_user) {
      Reply(*conn, Handler::Error(json(), "busy", "too many connections from this user"));
      close(fd);
      return;
    }
    ++per_user_[peer.uid];
  }
  bool subscribed = false;
  ipc::FrameBuffer frame;  // reused: a small request costs no allocation
  std::string reply;
  while (!stop_ && !conn->dead) {
    // A big paste's buffer is not kept while the connection idles.
    frame.Shrink(kKeptFrameBytes);
    if (reply.capacity() > kKeptFrameBytes) std::string().swap(reply);
    // Wait for the next request; subscribers may stay silent for as long as they like. A
    // subscriber whose event could not be written is shut down by the delivery thread, which
    // wakes this poll with a hang-up.
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    int r = poll(p, 2, subscribed ? -1 : opt_.idle_timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || p[1].revents != 0) break;
    ipc::FrameStatus st = ipc::ReadFrame(fd, ipc::kMaxRequestBytes, opt_.frame_timeout_ms, &frame);
    if (st == ipc::FrameStatus::kClosed) break;
    if (st == ipc::FrameStatus::kTooLarge) {
      Reply(*conn, Handler::Error(json(), "too_large",
                                  "request larger than " + std::to_string(ipc::kMaxRequestBytes) + " bytes"));
      break;  // the rest of that frame is still in the socket: framing is lost
    }
    if (st != ipc::FrameStatus::kOk) {
      if (st == ipc::FrameStatus::kTimeout || st == ipc::FrameStatus::kTruncated)
        Reply(*conn, Handler::Error(json(), "bad_request", std::string("incomplete frame (") +
                                                                ipc::FrameStatusName(st) + ")"));
      break;
    }
    ipc::Request req;
    ipc::ParseResult parsed = ipc::ParseRequest(frame.view(), /*padded=*/true, ipc::kMaxJsonDepth, &req);
    if (parsed == ipc::ParseResult::kNotJson) {
      Reply(*conn, Handler::Error(json(), "not_json", "a request must be one JSON object"));
      break;
    }
    if (parsed == ipc::ParseResult::kTooDeep) {
      Reply(*conn, Handler::Error(json(), "bad_request",
                                  "request nested deeper than " + std::to_string(ipc::kMaxJsonDepth) + " levels"));
      continue;
    }
    bool ok = handler_->Handle(req, peer, conn, &reply);
    ReplyBytes(*conn, reply);
    // Comparisons, not value(): value() throws when the field has another type.
    const json& fields = req.fields;
    if (ok && fields.contains("op") && fields["op"] == "subscribe") subscribed = true;
  }
  subs_->Remove(conn.get());
  handler_->Closed(conn.get());
  {
    std::lock_guard<std::mutex> lock(users_mu_);
    if (--per_user_[peer.uid] == 0) per_user_.erase(peer.uid);
  }
  {
    std::lock_guard<std::mutex> lock(conn->write_mu);
    conn->dead = true;
    close(fd);
  }
}

}  // namespace dlp::agentd
