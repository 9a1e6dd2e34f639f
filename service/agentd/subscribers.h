// Connections that asked to be told about events (the tray). Events go only to the user they
// concern; a subscriber that stops reading is dropped after a short send timeout, never waited
// for, so a stuck tray cannot slow scans down.
//
// Thread safety: all methods are thread-safe.
#ifndef DLP_SERVICE_AGENTD_SUBSCRIBERS_H_
#define DLP_SERVICE_AGENTD_SUBSCRIBERS_H_

#include <cstdint>
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
  void Add(std::shared_ptr<Connection> c);
  void Remove(const Connection* c);
  // uid: only that user's subscribers; nullopt: everyone (bundle changes).
  void Publish(std::optional<uint32_t> uid, const std::string& payload);

 private:
  std::mutex mu_;
  std::list<std::shared_ptr<Connection>> subs_;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_SUBSCRIBERS_H_
