// The few socket calls the SIEM forwarder needs, behind a platform folder (posix/net.cc).
#ifndef DLP_SERVICE_FLEET_NET_H_
#define DLP_SERVICE_FLEET_NET_H_

#include <cstdint>
#include <string>

#include "dlp/status.h"

namespace dlp::fleet::net {

// A blocking TCP connection to host:port (name or address), trying each address the resolver
// gives, each within timeout_ms; reads and writes on it then time out after io_timeout_ms.
Status ConnectTcp(const std::string& host, int port, int timeout_ms, int io_timeout_ms, int* fd);
// Bytes written that the peer's TCP has not acknowledged yet; -1 when the platform cannot say.
int64_t UnackedBytes(int fd);
// What a non-blocking peek sees: 0 nothing to read (the normal state of a syslog connection),
// 1 bytes waiting, -1 the peer closed or the connection failed.
int Peek(int fd);
void SetNonBlocking(int fd, bool on);
// Wakes any thread blocked on fd (it then fails); the fd stays open until Close.
void Shutdown(int fd);
void Close(int fd);
// Writes all of data; IOError on failure or timeout. No SIGPIPE.
Status SendAll(int fd, const char* data, size_t n);

}  // namespace dlp::fleet::net

#endif  // DLP_SERVICE_FLEET_NET_H_
