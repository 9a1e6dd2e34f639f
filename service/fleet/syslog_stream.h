// One connection to a syslog collector: TCP, with TLS (RFC 5425) unless plain TCP is asked for.
//
// TLS: OpenSSL, TLS 1.2 or newer, the collector's certificate checked against the pinned CA
// file (only that CA) or the system's store, and its name (DNS or IP SAN) against server_name;
// an optional client certificate for collectors that require mutual authentication.
//
// Delivery: TCP cannot tell whether the collector read a message. WaitDelivered is the closest
// a sender gets without an application acknowledgement: every byte written has been ACKed by
// the collector's TCP and the connection is still open (a collector that stopped answers our
// data with a reset, which this sees). The forwarder advances its cursor only after it.
//
// Thread safety: one thread uses a stream; Abort may be called from another. The process must
// ignore SIGPIPE (dlp-agentd does): OpenSSL writes to the socket with write(2).
#ifndef DLP_SERVICE_FLEET_SYSLOG_STREAM_H_
#define DLP_SERVICE_FLEET_SYSLOG_STREAM_H_

#include <atomic>
#include <memory>
#include <string>

#include "dlp/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace dlp::fleet {

struct StreamOptions {
  bool tls = true;
  std::string ca_file;      // PEM; "" = the system's CA store
  std::string cert_file, key_file;  // PEM client certificate and key; "" = none
  std::string server_name;  // checked against the certificate; "" = the host connected to
  int connect_timeout_ms = 10000;
  int io_timeout_ms = 15000;
};

class SyslogStream {
 public:
  static Status Open(const std::string& host, int port, const StreamOptions& opt,
                     std::unique_ptr<SyslogStream>* out);
  ~SyslogStream();
  SyslogStream(const SyslogStream&) = delete;
  SyslogStream& operator=(const SyslogStream&) = delete;

  Status Write(const std::string& bytes);
  // All written bytes ACKed by the peer and the connection still open, within timeout_ms.
  Status WaitDelivered(int timeout_ms);
  // Whether the connection still looks usable (no close, reset or TLS close_notify seen).
  bool Alive();
  // Unblocks the thread using the stream (from another thread).
  void Abort();

 private:
  SyslogStream() = default;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_SYSLOG_STREAM_H_
