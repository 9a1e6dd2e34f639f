// The programs each user has connected with (the browser extension through dlp-nmhost, the tray,
// ...), as they described themselves with `hello`. `status` lists them so the tray and an officer
// can see that a browser runs without its extension: the one hook we cannot see from here.
//
// Thread safety: all methods are thread-safe.
#ifndef DLP_SERVICE_AGENTD_CLIENTS_H_
#define DLP_SERVICE_AGENTD_CLIENTS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace dlp::agentd {

struct Connection;

struct ClientInfo {
  uint32_t uid = 0;
  std::string client, browser, version;
  std::string origin, via;  // set by the native-messaging host, never by the extension
  bool connected = true;
  std::string since, last_seen;
};

class Clients {
 public:
  // What a connection says of itself. `origin` is taken from the first hello that carries one
  // (dlp-nmhost's, sent before anything it relays) and never changed afterwards; a hello from
  // "nmhost" only sets the origin and `via`, the relayed program's own hello names the client.
  void Hello(const Connection* c, uint32_t uid, const std::string& client, const std::string& browser,
             const std::string& version, const std::string& origin);
  // The connection made a request: refreshes last_seen.
  void Touch(const Connection* c);
  // The connection closed: its client is kept, as not connected, for status.
  void Closed(const Connection* c);
  // The origin the host reported for this connection, or "".
  std::string OriginOf(const Connection* c);
  // The user's clients: connected ones first, then the last few that went away.
  std::vector<ClientInfo> ForUser(uint32_t uid);

 private:
  static constexpr size_t kGoneKept = 16;  // per service, not per user: a small, bounded memory
  std::mutex mu_;
  std::map<const Connection*, ClientInfo> live_;
  std::deque<ClientInfo> gone_;
};

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_CLIENTS_H_
