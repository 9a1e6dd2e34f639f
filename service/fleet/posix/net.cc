#include "fleet/net.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

#include <cerrno>
#include <cstring>

namespace dlp::fleet::net {

void SetNonBlocking(int fd, bool on) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
}

Status ConnectTcp(const std::string& host, int port, int timeout_ms, int io_timeout_ms, int* fd) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int g = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (g != 0) return Status::IOError("cannot resolve " + host + ": " + gai_strerror(g));
  std::string why = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (s < 0) continue;
    SetNonBlocking(s, true);
    int rc = connect(s, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{s, POLLOUT, 0};
      rc = poll(&p, 1, timeout_ms);
      int err = 0;
      socklen_t len = sizeof err;
      if (rc == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) rc = 0;
      else errno = rc == 0 ? ETIMEDOUT : err;
      if (rc != 0) rc = -1;
    }
    if (rc == 0) {
      SetNonBlocking(s, false);
      timeval tv{io_timeout_ms / 1000, (io_timeout_ms % 1000) * 1000};
      setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      int one = 1;
      setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      freeaddrinfo(res);
      *fd = s;
      return Status::OK();
    }
    why = std::strerror(errno);
    close(s);
  }
  freeaddrinfo(res);
  return Status::IOError("cannot connect to " + host + ":" + std::to_string(port) + ": " + why);
}

int64_t UnackedBytes(int fd) {
#ifdef SIOCOUTQ
  int n = 0;
  if (ioctl(fd, SIOCOUTQ, &n) == 0) return n;
#endif
  return -1;
}

int Peek(int fd) {
  char c;
  ssize_t k = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (k > 0) return 1;
  if (k == 0) return -1;
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

void Shutdown(int fd) { shutdown(fd, SHUT_RDWR); }
void Close(int fd) { close(fd); }

Status SendAll(int fd, const char* data, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t k = send(fd, data + done, n - done, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return Status::IOError(std::string("send: ") + std::strerror(errno));
    done += static_cast<size_t>(k);
  }
  return Status::OK();
}

}  // namespace dlp::fleet::net
