#include "agentd/subscribers.h"

#include <sys/socket.h>

#include <vector>

#include "ipc/framing.h"

namespace dlp::agentd {

namespace {
constexpr size_t kMaxQueuedEvents = 4096;
}

Subscribers::Subscribers() : worker_([this] { Loop(); }) {}

Subscribers::~Subscribers() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stop_ = true;
  }
  queue_cv_.notify_all();
  worker_.join();
}

void Subscribers::Publish(std::optional<uint32_t> uid, const std::string& payload) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (queue_.size() >= kMaxQueuedEvents) return;  // subscribers far behind: drop, never block
    queue_.emplace_back(uid, payload);
  }
  queue_cv_.notify_one();
}

void Subscribers::Loop() {
  while (true) {
    std::pair<std::optional<uint32_t>, std::string> event;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was delivered
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    Deliver(event.first, event.second);
  }
}

void Subscribers::Add(std::shared_ptr<Connection> c) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.push_back(std::move(c));
}

bool Subscribers::AnyFor(uint32_t uid) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : subs_)
    if (s->uid == uid) return true;
  return false;
}

void Subscribers::Remove(const Connection* c) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.remove_if([c](const auto& s) { return s.get() == c; });
}

void Subscribers::Deliver(std::optional<uint32_t> uid, const std::string& payload) {
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
