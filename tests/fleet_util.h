// Real servers for the fleet tests (tests/fleet_*_test.cc): a test PKI made with the openssl
// command, nginx and rsyslogd as child processes on 127.0.0.1 with their own configuration in a
// temporary directory, and dlp-agentd started with fleet flags (the agentd_fixture's Agentd has
// no way to pass them). Servers are stopped and directories removed when the objects go out of
// scope (DLP_KEEP_TEST_DIRS=1 keeps the directories).
//
// Thread safety: everything here belongs to the test's thread.
#ifndef DLP_TESTS_FLEET_UTIL_H_
#define DLP_TESTS_FLEET_UTIL_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace dlp::test {

// A directory under DLP_TEST_TMP, removed on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The path of an executable found in PATH or /usr/sbin, or "".
std::string FindProgram(const std::string& name);

// dir/ca.pem, ca.key (a test CA) and dir/server.pem, server.key (for 127.0.0.1 and localhost,
// signed by it); dir/other-ca.pem is an unrelated CA. False (with *error) if openssl failed.
bool MakeTestPki(const std::string& dir, std::string* error);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool PortOpen(int port);

// A long-running child process with stdout and stderr to a log file.
class Child {
 public:
  Child() = default;
  ~Child() { Stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  bool Start(const std::vector<std::string>& argv, const std::string& log_path);
  // SIGTERM, then SIGKILL after timeout_ms; returns whether it exited on SIGTERM.
  bool Stop(int timeout_ms = 10000);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// nginx serving dir()/www over HTTPS on 127.0.0.1:port with the test PKI's server certificate.
class Nginx {
 public:
  Nginx(const std::string& dir, const std::string& pki_dir, int port);
  bool Start(std::string* error);  // waits until the port accepts
  void Stop();
  std::string www() const { return dir_ + "/www"; }
  std::string Url(const std::string& file) const;
  std::string AccessLog() const;

 private:
  std::string dir_;
  int port_;
  Child child_;
};

// rsyslogd receiving RFC 5425 (TLS, ossl driver, octet-counted frames) on 127.0.0.1:port and
// writing each message as received (%rawmsg%) to received().
class Rsyslog {
 public:
  Rsyslog(const std::string& dir, const std::string& pki_dir, int port);
  bool Start(std::string* error);
  void Stop();
  std::string received() const { return dir_ + "/received.log"; }
  std::string Log() const;

 private:
  std::string dir_;
  int port_;
  Child child_;
};

// dlp-agentd in user mode with every path in root, plus `extra` flags; stderr in root/agentd.log.
class FleetAgentd {
 public:
  FleetAgentd(const std::string& root, std::vector<std::string> extra);
  ~FleetAgentd() { Stop(); }
  void Start();  // REQUIREs the socket to accept within 90 s
  void Stop();
  const std::string& socket() const { return socket_; }
  pid_t pid() const { return child_.pid(); }
  std::string bundle_dir() const { return root_ + "/bundles"; }
  std::string trusted_dir() const { return root_ + "/trusted-keys"; }
  std::string state_dir() const { return root_ + "/state"; }
  std::string Log() const;

 private:
  std::string root_, socket_;
  std::vector<std::string> extra_;
  Child child_;
};

}  // namespace dlp::test

#endif  // DLP_TESTS_FLEET_UTIL_H_
