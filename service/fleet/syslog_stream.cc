#include "fleet/syslog_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <thread>

#include "fleet/net.h"

namespace dlp::fleet {
namespace {

std::string SslErrors() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "TLS error" : out;
}

bool IsIpLiteral(const std::string& s) {
  return s.find(':') != std::string::npos ||
         s.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

SyslogStream::~SyslogStream() {
  if (ssl_) {
    // close_notify, so the collector logs an orderly close rather than a TLS error.
    if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) net::Close(fd_);
}

Status SyslogStream::Open(const std::string& host, int port, const StreamOptions& opt,
                          std::unique_ptr<SyslogStream>* out) {
  std::unique_ptr<SyslogStream> s(new SyslogStream());
  if (Status st = net::ConnectTcp(host, port, opt.connect_timeout_ms, opt.io_timeout_ms, &s->fd_);
      !st.ok())
    return st;
  if (!opt.tls) {
    *out = std::move(s);
    return Status::OK();
  }
  ERR_clear_error();
  const std::string where = "TLS to " + host + ":" + std::to_string(port) + ": ";
  s->ctx_ = SSL_CTX_new(TLS_client_method());
  if (!s->ctx_) return Status::Internal(where + SslErrors());
  SSL_CTX_set_min_proto_version(s->ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(s->ctx_, SSL_VERIFY_PEER, nullptr);
  // A pinned CA is the only trust anchor; otherwise the system's store.
  if (!opt.ca_file.empty() ? SSL_CTX_load_verify_locations(s->ctx_, opt.ca_file.c_str(), nullptr) != 1
                           : SSL_CTX_set_default_verify_paths(s->ctx_) != 1)
    return Status::InvalidArgument(where + "cannot load the CA " + opt.ca_file + ": " + SslErrors());
  if (!opt.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(s->ctx_, opt.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->ctx_, (opt.key_file.empty() ? opt.cert_file : opt.key_file).c_str(),
                                    SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(s->ctx_) != 1)
      return Status::InvalidArgument(where + "cannot load the client certificate " + opt.cert_file +
                                     ": " + SslErrors());
  }
  s->ssl_ = SSL_new(s->ctx_);
  if (!s->ssl_ || SSL_set_fd(s->ssl_, s->fd_) != 1) return Status::Internal(where + SslErrors());
  SSL_set_mode(s->ssl_, SSL_MODE_AUTO_RETRY);
  std::string name = opt.server_name.empty() ? host : opt.server_name;
  if (IsIpLiteral(name)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl_), name.c_str());
  } else {
    SSL_set_tlsext_host_name(s->ssl_, name.c_str());
    SSL_set1_host(s->ssl_, name.c_str());
  }
  if (SSL_connect(s->ssl_) != 1) {
    long v = SSL_get_verify_result(s->ssl_);
    std::string why = v != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(v)
                                     : SslErrors();
    return Status::IOError(where + why);
  }
  *out = std::move(s);
  return Status::OK();
}

Status SyslogStream::Write(const std::string& bytes) {
  if (!ssl_) return net::SendAll(fd_, bytes.data(), bytes.size());
  size_t done = 0;
  while (done < bytes.size()) {
    ERR_clear_error();
    int k = SSL_write(ssl_, bytes.data() + done, static_cast<int>(bytes.size() - done));
    if (k <= 0) return Status::IOError("TLS write failed: " + SslErrors());
    done += static_cast<size_t>(k);
  }
  return Status::OK();
}

bool SyslogStream::Alive() {
  int p = net::Peek(fd_);
  if (p <= 0) return p == 0;
  if (!ssl_) return true;  // a plain collector does not talk back; ignore what it sent
  // TLS records after the handshake: session tickets (harmless) or a close_notify alert.
  net::SetNonBlocking(fd_, true);
  bool alive = true;
  char buf[512];
  while (true) {
    ERR_clear_error();
    int k = SSL_read(ssl_, buf, sizeof buf);
    if (k > 0) continue;
    int e = SSL_get_error(ssl_, k);
    alive = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
    break;
  }
  net::SetNonBlocking(fd_, false);
  return alive && net::Peek(fd_) >= 0;
}

Status SyslogStream::WaitDelivered(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (!Alive()) return Status::IOError("the collector closed the connection");
    int64_t unacked = net::UnackedBytes(fd_);
    if (unacked == 0) return Status::OK();
    if (unacked < 0) {
      // No way to ask the kernel: a short grace for a reset to come back, then trust it.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return Alive() ? Status::OK() : Status::IOError("the collector closed the connection");
    }
    if (std::chrono::steady_clock::now() > deadline)
      return Status::IOError("the collector did not acknowledge " + std::to_string(unacked) +
                             " bytes in time");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void SyslogStream::Abort() {
  if (fd_ >= 0) net::Shutdown(fd_);
}

}  // namespace dlp::fleet
