#include "agentd_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace dlp::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Compiled engine databases of earlier daemons of this build (keyed by pack hash and CPU).
std::string SeedCacheDir() { return std::string(DLP_TEST_TMP) + "/agentd-engine-cache"; }

void CopyCacheFiles(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (const auto& e : fs::directory_iterator(from, ec)) {
    if (!e.is_regular_file(ec) || e.path().extension() != ".hsdb") continue;
    fs::path dest = fs::path(to) / e.path().filename();
    if (fs::exists(dest, ec)) continue;
    // Through a temporary name: parallel test processes may seed and harvest at once.
    fs::path tmp = dest;
    tmp += ".tmp-" + std::to_string(getpid());
    if (fs::copy_file(e.path(), tmp, fs::copy_options::overwrite_existing, ec))
      fs::rename(tmp, dest, ec);
    if (ec) fs::remove(tmp, ec);
  }
}

int ConnectTo(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return -1;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads exactly n bytes before the deadline: 1 ok, 0 EOF before any byte, -1 EOF mid-way,
// -2 error, -3 timeout.
int ReadExactly(int fd, char* out, size_t n, Clock::time_point deadline) {
  size_t got = 0;
  while (got < n) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return -3;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, left);
    if (r == 0) return -3;
    if (r < 0) {
      if (errno == EINTR) continue;
      return -2;
    }
    ssize_t k = read(fd, out + got, n - got);
    if (k == 0) return got == 0 ? 0 : -1;
    if (k < 0) {
      if (errno == EINTR) continue;
      return -2;
    }
    got += static_cast<size_t>(k);
  }
  return 1;
}

}  // namespace

std::string LengthPrefix(uint32_t n) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

bool WaitUntil(const std::function<bool()>& done, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// ---- Agentd -----------------------------------------------------------------------------------

Agentd::Agentd(const std::string& name, AgentdOptions opt) : opt_(opt) {
  std::string templ = std::string(DLP_TEST_TMP) + "/agentd-" + name + "-XXXXXX";
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  root_ = templ;
  // System mode: other local users must reach the socket through this directory.
  if (!opt_.user_mode) chmod(root_.c_str(), 0755);
  socket_ = root_ + "/run/agent.sock";
  state_ = root_ + "/state";
  bundles_ = root_ + "/bundles";
  trusted_ = root_ + "/trusted-keys";
  log_ = root_ + "/agentd.log";
  std::error_code ec;
  fs::create_directories(bundles_, ec);
  fs::create_directories(trusted_, ec);
}

Agentd::~Agentd() {
  if (pid_ > 0) Kill();
  const char* keep = std::getenv("DLP_KEEP_TEST_DIRS");
  if (keep == nullptr || *keep == '\0') {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
}

void Agentd::Start() {
  REQUIRE(pid_ < 0);
  CopyCacheFiles(SeedCacheDir(), state_ + "/cache");
  std::vector<std::string> args = {DLP_AGENTD_BIN, "--socket", socket_, "--state-dir", state_,
                                   "--bundle-dir", bundles_, "--trusted-keys", trusted_,
                                   "--poll-ms", std::to_string(opt_.poll_ms),
                                   "--workers", std::to_string(opt_.workers)};
  if (opt_.user_mode) args.insert(args.begin() + 1, "--user");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  REQUIRE(log_fd >= 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
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
  auto deadline = Clock::now() + std::chrono::seconds(90);
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("dlp-agentd exited during start (status " << status << "); its log:\n" << Log());
    }
    int fd = ConnectTo(socket_);
    if (fd >= 0) {
      close(fd);
      break;
    }
    if (Clock::now() > deadline) FAIL("dlp-agentd did not listen within 90 s; its log:\n" << Log());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CopyCacheFiles(state_ + "/cache", SeedCacheDir());
}

int Agentd::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  bool exited = WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, 10000);
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void Agentd::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool Agentd::Exited(int* status) {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, status, WNOHANG) != pid_) return false;
  pid_ = -1;
  return true;
}

std::string Agentd::Log() const { return ReadFileBytes(log_); }

ProcessResult Agentd::Ctl(std::vector<std::string> args, const std::string& stdin_data) const {
  args.insert(args.begin(), {"--socket", socket_});
  return RunProcess(DLP_AGENTCTL_BIN, std::move(args), stdin_data);
}

// ---- Client -----------------------------------------------------------------------------------

Client::Client(const std::string& socket_path) {
  fd_ = ConnectTo(socket_path);
  if (fd_ < 0) last_error_ = "connect to " + socket_path + ": " + std::strerror(errno);
  signal(SIGPIPE, SIG_IGN);
}

Client::~Client() { Close(); }

void Client::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool Client::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t k = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      last_error_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    sent += static_cast<size_t>(k);
  }
  return true;
}

bool Client::SendFrame(const std::string& payload) {
  return SendRaw(LengthPrefix(static_cast<uint32_t>(payload.size())) + payload);
}

std::optional<json> Client::ReadFrame(int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char len[4];
  int r = ReadExactly(fd_, len, 4, deadline);
  if (r != 1) {
    last_error_ = r == 0 ? "end of stream" : r == -3 ? "timeout" : "read error or truncated";
    return std::nullopt;
  }
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= uint32_t{static_cast<unsigned char>(len[i])} << (8 * i);
  if (n > (256u << 20)) {
    last_error_ = "reply length " + std::to_string(n) + " is absurd";
    return std::nullopt;
  }
  std::string payload(n, '\0');
  if (n > 0 && (r = ReadExactly(fd_, payload.data(), n, deadline)) != 1) {
    last_error_ = r == -3 ? "timeout mid-frame" : "truncated reply";
    return std::nullopt;
  }
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded()) {
    last_error_ = "unparsable reply: " + payload.substr(0, 200);
    return std::nullopt;
  }
  return j;
}

json Client::Call(json request, int timeout_ms) {
  if (!request.contains("v")) request["v"] = 1;
  if (!request.contains("id")) request["id"] = next_id_++;
  const json id = request["id"];
  auto fail = [&](const std::string& why) {
    return json({{"ok", false}, {"error", {{"code", "test_client"}, {"message", why}}}});
  };
  if (fd_ < 0) return fail("not connected: " + last_error_);
  if (!Send(request)) return fail(last_error_);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    auto frame = ReadFrame(std::max(left, 1));
    if (!frame) return fail("no reply: " + last_error_);
    if (frame->is_object() && frame->contains("event")) {
      events.push_back(std::move(*frame));
      continue;
    }
    if (frame->is_object() && frame->value("id", json()) == id) return *frame;
    return fail("reply with another id: " + frame->dump());
  }
}

std::optional<json> Client::NextEvent(int timeout_ms) {
  if (!events.empty()) {
    json e = std::move(events.front());
    events.pop_front();
    return e;
  }
  auto frame = ReadFrame(timeout_ms);
  if (frame && frame->is_object() && frame->contains("event")) return frame;
  return std::nullopt;
}

bool Client::WaitClosed(int timeout_ms) {
  // Waits for the hang-up without reading: draining replies would let a service that is stuck
  // writing to us carry on, which is not what the caller asks about.
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    pollfd p{fd_, 0, 0};  // POLLHUP and POLLERR are reported whatever is asked
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    int r = poll(&p, 1, std::max(left, 1));
    if (r > 0 && (p.revents & (POLLHUP | POLLERR))) return true;
    if (r < 0 && errno != EINTR) return false;
  }
  return false;
}

// ---- helpers ----------------------------------------------------------------------------------

json ScanRequest(const std::string& text, const std::string& destination,
                 const std::string& channel) {
  return {{"op", "scan"}, {"text", text}, {"destination", destination}, {"channel", channel},
          {"app", "dlp_agentd_tests"}};
}

std::string ErrorCode(const json& reply) {
  if (reply.is_object() && reply.contains("error") && reply["error"].is_object() &&
      reply["error"].contains("code") && reply["error"]["code"].is_string())
    return reply["error"]["code"].get<std::string>();
  return "";
}

std::vector<int64_t> AllHistoryIds(Client& c, int limit) {
  std::vector<int64_t> ids;
  json before;
  for (int page = 0; page < 10000; ++page) {
    json req = {{"op", "history"}, {"limit", limit}};
    if (!before.is_null()) req["before"] = before;
    json r = c.Call(req);
    if (r.value("ok", false) != true) {
      FAIL("history failed: " << r.dump());
      break;
    }
    for (const auto& inc : r["incidents"]) ids.push_back(inc["incident"].get<int64_t>());
    before = r["next_before"];
    if (before.is_null()) break;
  }
  return ids;
}

}  // namespace dlp::test
