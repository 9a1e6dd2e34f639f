// Connections that asked to be told about events (the tray). Events go only to the user they
// concern. Publish() only queues: one delivery thread writes, so a scan never waits on a
// subscriber; a subscriber that stops reading is dropped after a short send timeout, and events
// beyond a bounded queue are dropped rather than piling up.
//
// Thread safety: all methods are thread-safe.
#ifndef DLP_SERVICE_AGENTD_SUBSCRIBERS_H_
#define DLP_SERVICE_AGENTD_SUBSCRIBERS_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <thread>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace dlp::agentd {

struct Connection {
  int fd = -1;
  uint32_t uid = 0;
  std::mutex write_mu;  // replies and pushed events must not interleave on the socket
  bool dead = false;
};

class Subscribers {
 public:
  Subscribers();
  ~Subscribers();
  void Add(std::shared_ptr<Connection> c);
  void Remove(const Connection* c);
  // uid: only that user's subscribers; nullopt: everyone (bundle changes).
  void Publish(std::optional<uint32_t> uid, const std::string& payload);
  // Whether an event for uid would reach anyone now: a scan builds and queues its incident
  // event only then, so a paste with no tray listening wakes no delivery thread.
  bool AnyFor(uint32_t uid);

 private:
  void Deliver(std::optional<uint32_t> uid, const std::string& payload);
  void Loop();

  std::mutex mu_;
  std::list<std::shared_ptr<Connection>> subs_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::pair<std::optional<uint32_t>, std::string>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_SUBSCRIBERS_H_
