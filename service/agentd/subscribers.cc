#include "agentd/subscribers.h"

#include <sys/socket.h>

#include <vector>

#include "ipc/framing.h"

namespace dlp::agentd {

void Subscribers::Add(std::shared_ptr<Connection> c) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.push_back(std::move(c));
}

void Subscribers::Remove(const Connection* c) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.remove_if([c](const auto& s) { return s.get() == c; });
}

void Subscribers::Publish(std::optional<uint32_t> uid, const std::string& payload) {
  std::vector<std::shared_ptr<Connection>> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : subs_)
      if (!uid || s->uid == *uid) targets.push_back(s);
  }
  for (const auto& s : targets) {
    std::lock_guard<std::mutex> lock(s->write_mu);
    if (s->dead) continue;
    // The socket has a send timeout; a subscriber that stopped reading fails here and is cut off.
    if (!ipc::WriteFrame(s->fd, payload).ok()) {
      s->dead = true;
      shutdown(s->fd, SHUT_RDWR);
    }
  }
}

}  // namespace dlp::agentd
