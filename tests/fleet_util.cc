#include "fleet_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "agentd_fixture.h"
#include "process_util.h"

namespace dlp::test {
namespace {

namespace fs = std::filesystem;

bool Openssl(std::vector<std::string> args, std::string* error) {
  ProcessResult r = RunProcess(FindProgram("openssl"), std::move(args), "");
  if (r.status != 0) *error += "openssl failed: " + r.err + "\n";
  return r.status == 0;
}

bool WaitPort(int port, Child* child, int timeout_ms) {
  return WaitUntil([&] { return PortOpen(port) || !child->running(); }, timeout_ms) &&
         child->running();
}

void CopyHsdb(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (const auto& e : fs::directory_iterator(from, ec)) {
    if (e.path().extension() != ".hsdb") continue;
    fs::path dest = fs::path(to) / e.path().filename();
    if (fs::exists(dest, ec)) continue;
    fs::path tmp = dest;
    tmp += ".tmp-" + std::to_string(getpid());
    if (fs::copy_file(e.path(), tmp, ec)) fs::rename(tmp, dest, ec);
    if (ec) fs::remove(tmp, ec);
  }
}

}  // namespace

TempDir::TempDir(const std::string& name) {
  std::string templ = std::string(DLP_TEST_TMP) + "/fleet-" + name + "-XXXXXX";
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  path_ = templ;
}

TempDir::~TempDir() {
  const char* keep = std::getenv("DLP_KEEP_TEST_DIRS");
  std::error_code ec;
  if (keep == nullptr || *keep == '\0') fs::remove_all(path_, ec);
}

std::string FindProgram(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/local/sbin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string candidate = path.substr(start, end - start) + "/" + name;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

bool MakeTestPki(const std::string& d, std::string* error) {
  std::string ext = d + "/server.ext";
  WriteFileBytes(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                      "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
  auto ca = [&](const std::string& name, const std::string& cn) {
    return Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", d + "/" + name + ".key", "-out", d + "/" + name + ".pem",
                    "-days", "2", "-subj", "/CN=" + cn}, error);
  };
  return ca("ca", "DLP fleet test CA") && ca("other-ca", "Unrelated CA") &&
         Openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                  "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=localhost"},
                 error) &&
         Openssl({"x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
                  d + "/ca.key", "-CAcreateserial", "-out", d + "/server.pem", "-days", "2",
                  "-extfile", ext}, error);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

bool PortOpen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// ---- Child ------------------------------------------------------------------------------------

bool Child::Start(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return false;
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return false;
  }
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;
  return true;
}

bool Child::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

bool Child::Stop(int timeout_ms) {
  if (pid_ <= 0) return false;
  kill(pid_, SIGTERM);
  int status = 0;
  bool exited = WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout_ms);
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return exited;
}

// ---- Nginx ------------------------------------------------------------------------------------

Nginx::Nginx(const std::string& dir, const std::string& pki, int port) : dir_(dir), port_(port) {
  fs::create_directories(dir_ + "/www");
  fs::create_directories(dir_ + "/tmp");
  const std::string d = dir_;
  // Single process in the foreground (master_process off): the test owns exactly one pid.
  WriteFileBytes(d + "/nginx.conf",
      "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + d + "/nginx.pid;\n"
      "error_log " + d + "/error.log info;\nevents { worker_connections 64; }\n"
      "http {\n  access_log " + d + "/access.log;\n"
      "  client_body_temp_path " + d + "/tmp/body;\n  proxy_temp_path " + d + "/tmp/proxy;\n"
      "  fastcgi_temp_path " + d + "/tmp/fastcgi;\n  uwsgi_temp_path " + d + "/tmp/uwsgi;\n"
      "  scgi_temp_path " + d + "/tmp/scgi;\n  default_type application/octet-stream;\n"
      "  server {\n    listen 127.0.0.1:" + std::to_string(port) + " ssl;\n"
      "    ssl_certificate " + pki + "/server.pem;\n    ssl_certificate_key " + pki + "/server.key;\n"
      "    root " + d + "/www;\n  }\n}\n");
}

bool Nginx::Start(std::string* error) {
  std::string bin = FindProgram("nginx");
  if (!child_.Start({bin, "-c", dir_ + "/nginx.conf", "-p", dir_, "-e", dir_ + "/error.log"},
                    dir_ + "/stderr.log") ||
      !WaitPort(port_, &child_, 15000)) {
    *error = "nginx did not start: " + ReadFileBytes(dir_ + "/stderr.log") +
             ReadFileBytes(dir_ + "/error.log");
    return false;
  }
  return true;
}

void Nginx::Stop() { child_.Stop(); }

std::string Nginx::Url(const std::string& file) const {
  return "https://127.0.0.1:" + std::to_string(port_) + "/" + file;
}

std::string Nginx::AccessLog() const { return ReadFileBytes(dir_ + "/access.log"); }

// ---- Rsyslog ----------------------------------------------------------------------------------

Rsyslog::Rsyslog(const std::string& dir, const std::string& pki, int port) : dir_(dir), port_(port) {
  const std::string d = dir_;
  fs::create_directories(d + "/work");
  WriteFileBytes(d + "/rsyslog.conf",
      "global(workDirectory=\"" + d + "/work\" maxMessageSize=\"64k\"\n"
      "       defaultNetstreamDriver=\"ossl\" defaultNetstreamDriverCAFile=\"" + pki + "/ca.pem\"\n"
      "       defaultNetstreamDriverCertFile=\"" + pki + "/server.pem\"\n"
      "       defaultNetstreamDriverKeyFile=\"" + pki + "/server.key\")\n"
      "module(load=\"imtcp\" streamDriver.name=\"ossl\" streamDriver.mode=\"1\"\n"
      "       streamDriver.authMode=\"anon\")\n"
      "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + std::to_string(port) + "\")\n"
      "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
      "action(type=\"omfile\" file=\"" + d + "/received.log\" template=\"raw\")\n");
}

bool Rsyslog::Start(std::string* error) {
  std::string bin = FindProgram("rsyslogd");
  if (!child_.Start({bin, "-n", "-f", dir_ + "/rsyslog.conf", "-i", dir_ + "/rsyslogd.pid"},
                    dir_ + "/rsyslogd.log") ||
      !WaitPort(port_, &child_, 15000)) {
    *error = "rsyslogd did not start: " + Log();
    return false;
  }
  return true;
}

void Rsyslog::Stop() { child_.Stop(); }

std::string Rsyslog::Log() const { return ReadFileBytes(dir_ + "/rsyslogd.log"); }

// ---- FleetAgentd ------------------------------------------------------------------------------

FleetAgentd::FleetAgentd(const std::string& root, std::vector<std::string> extra)
    : root_(root), socket_(root + "/run/agent.sock"), extra_(std::move(extra)) {
  std::error_code ec;
  fs::create_directories(bundle_dir(), ec);
  fs::create_directories(trusted_dir(), ec);
}

void FleetAgentd::Start() {
  // The compiled engine cache of the built-in pack, shared with the agentd tests' seed.
  const std::string seed = std::string(DLP_TEST_TMP) + "/agentd-engine-cache";
  CopyHsdb(seed, state_dir() + "/cache");
  std::vector<std::string> args = {DLP_AGENTD_BIN, "--user", "--socket", socket_, "--state-dir",
                                   state_dir(), "--bundle-dir", bundle_dir(), "--trusted-keys",
                                   trusted_dir(), "--poll-ms", "200", "--workers", "2"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  REQUIRE(child_.Start(args, root_ + "/agentd.log"));
  bool up = WaitUntil([&] {
    if (!child_.running()) return true;
    Client c(socket_);
    return c.connected();
  }, 90000);
  INFO("dlp-agentd log:\n" << Log());
  REQUIRE(up);
  REQUIRE(child_.running());
  CopyHsdb(state_dir() + "/cache", seed);
}

void FleetAgentd::Stop() { child_.Stop(); }

std::string FleetAgentd::Log() const { return ReadFileBytes(root_ + "/agentd.log"); }

}  // namespace dlp::test
