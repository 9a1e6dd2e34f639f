#include "service_bench.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace dlp::bench {
namespace {

namespace fs = std::filesystem;

int Connect(const std::string& path) {
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

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}

// Sends a whole frame with one writev (the length prefix and the payload together, as
// dlp-nmhost and dlp-agentctl send one buffer): two writes would let the service wake up for the
// 4-byte prefix alone and then go back to sleep, a cost no real client imposes.
bool WriteFrame(int fd, const std::string& payload) {
  uint32_t n = uint32_t(payload.size());
  unsigned char len[4] = {uint8_t(n), uint8_t(n >> 8), uint8_t(n >> 16), uint8_t(n >> 24)};
  iovec iov[2] = {{len, 4}, {const_cast<char*>(payload.data()), payload.size()}};
  size_t total = 4 + payload.size(), sent = 0;
  while (sent < total) {
    ssize_t w = writev(fd, iov, 2);
    if (w <= 0) return false;
    sent += size_t(w);
    for (iovec& v : iov) {  // skip what was written
      size_t k = std::min(v.iov_len, size_t(w));
      v.iov_base = static_cast<char*>(v.iov_base) + k;
      v.iov_len -= k;
      w -= ssize_t(k);
    }
  }
  return true;
}

// One request and its reply (4-byte little-endian length + JSON, service/PROTOCOL.md), timed by
// the caller from the first byte sent to the last byte of the verdict received.
bool Call(int fd, const std::string& request, std::string* reply) {
  if (!WriteFrame(fd, request)) return false;
  unsigned char len[4];
  uint32_t n;
  if (!ReadAll(fd, reinterpret_cast<char*>(len), 4)) return false;
  n = uint32_t(len[0]) | uint32_t(len[1]) << 8 | uint32_t(len[2]) << 16 | uint32_t(len[3]) << 24;
  reply->resize(n);
  return ReadAll(fd, reply->data(), n);
}

std::string ScanRequest(std::string_view text, bool record) {
  nlohmann::json j = {{"v", 1}, {"op", "scan"}, {"channel", "paste"},
                      {"destination", "https://chatgpt.com"}, {"app", "dlp-bench"},
                      {"text", std::string(text)}, {"record", record}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Resident memory of a process in MB (VmRSS) or its peak (VmHWM).
double MemoryMb(pid_t pid, const char* field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field, 0) == 0) return std::atof(line.c_str() + std::strlen(field) + 1) / 1024;
  return 0;
}

// Context switches of every thread of a process: each is a wake-up (or a preemption).
uint64_t Switches(pid_t pid) {
  uint64_t n = 0;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(dir + "/" + e->d_name + "/status");
    std::string line;
    while (std::getline(f, line))
      if (line.find("ctxt_switches:") != std::string::npos)
        n += std::strtoull(line.c_str() + line.find(':') + 1, nullptr, 10);
  }
  closedir(d);
  return n;
}

class Service {
 public:
  Service(const ServiceConfig& cfg, const std::string& root) : cfg_(cfg), root_(root) {
    fs::create_directories(root_ + "/bundles");
    fs::create_directories(root_ + "/trusted-keys");
    fs::create_directories(root_ + "/run");
  }
  ~Service() { Stop(); }

  // Starts the service and returns ms from exec until it answers a scan, or -1.
  double Start() {
    auto t0 = Clock::now();
    pid_ = fork();
    if (pid_ == 0) {
      int null_fd = open("/dev/null", O_RDWR);
      int log_fd = open((root_ + "/agentd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(null_fd, 0);
      dup2(log_fd, 1);
      dup2(log_fd, 2);
      execl(cfg_.agentd.c_str(), cfg_.agentd.c_str(), "--user", "--socket", Socket().c_str(),
            "--state-dir", (root_ + "/state").c_str(), "--bundle-dir",
            (root_ + "/bundles").c_str(), "--trusted-keys", (root_ + "/trusted-keys").c_str(),
            "--workers", "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    std::string reply;
    const std::string hello = ScanRequest("xin chào", false);
    while (MsSince(t0) < 60000) {
      int st;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return -1;
      }
      int fd = Connect(Socket());
      if (fd >= 0) {
        bool ok = Call(fd, hello, &reply);
        close(fd);
        if (ok && reply.find("\"ok\":true") != std::string::npos) return MsSince(t0);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    return -1;
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int st;
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }
  std::string Socket() const { return root_ + "/run/agent.sock"; }

 private:
  ServiceConfig cfg_;
  std::string root_;
  pid_t pid_ = -1;
};

}  // namespace

void RunServiceBench(const std::string& corpus, const ServiceConfig& cfg, Report* report) {
  report->Section("Service (dlp-agentd, one worker, real socket)");
  if (access(cfg.agentd.c_str(), X_OK) != 0) {
    report->Text("dlp-agentd", "not found at " + cfg.agentd + " (--agentd PATH)");
    return;
  }
  std::string root = cfg.tmp_dir + "/agentd";
  std::error_code ec;
  fs::remove_all(root, ec);
  Service svc(cfg, root);
  double cold = svc.Start();
  if (cold < 0) {
    report->Text("dlp-agentd", "did not start; see " + root + "/agentd.log");
    return;
  }
  report->Row("start to ready, cold (compile, fill the cache)", cold, "ms", "",
              "service_ready_cold_ms");
  svc.Stop();
  std::vector<double> warm;
  for (int i = 0; i < 3; ++i) {
    double ms = svc.Start();
    if (ms >= 0) warm.push_back(ms);
    if (i < 2) svc.Stop();
  }
  report->Row("start to ready, warm cache", Median(warm), "ms", "median of 3",
              "service_ready_warm_ms");

  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  report->Row("RSS idle", MemoryMb(svc.pid(), "VmRSS:"), "MB", "after start", "service_rss_idle_mb");
  uint64_t sw0 = Switches(svc.pid());
  std::this_thread::sleep_for(std::chrono::duration<double>(cfg.idle_s));
  double wakeups = (Switches(svc.pid()) - sw0) / cfg.idle_s;
  report->Row("wake-ups when idle", wakeups, "/s",
              "context switches of all threads over " + std::to_string(int(cfg.idle_s)) + " s",
              "service_idle_wakeups_per_s");

  int fd = Connect(svc.Socket());
  if (fd < 0) return;
  struct Size {
    const char* name;
    const char* key;
    size_t bytes;
    int iters;
  };
  const Size sizes[] = {{"2 KiB", "socket_2k", 2048, cfg.latency_iters},
                        {"20 KiB", "socket_20k", 20480, cfg.latency_iters},
                        {"1 MiB", "socket_1m", 1 << 20, std::max(5, cfg.latency_iters / 10)}};
  std::string reply;
  size_t blocked = 0, total = 0;
  for (const Size& sz : sizes) {
    if (sz.bytes > corpus.size()) continue;
    std::vector<double> t;
    uint64_t seed = 11;
    for (int i = 0; i < sz.iters; ++i) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      size_t start = (seed >> 17) % (corpus.size() - sz.bytes + 1);
      while (start > 0 && corpus[start - 1] != '\n') --start;
      // Cut the paste at a character boundary: the JSON must be valid UTF-8.
      size_t n = sz.bytes;
      while (n > 0 && (static_cast<unsigned char>(corpus[start + n]) & 0xC0) == 0x80) --n;
      std::string req = ScanRequest(std::string_view(corpus).substr(start, n), true);
      auto t0 = Clock::now();
      if (!Call(fd, req, &reply)) break;
      t.push_back(MsSince(t0));
      ++total;
      if (reply.find("\"action\":\"block\"") != std::string::npos) ++blocked;
    }
    report->Row(std::string(sz.name) + " verdict p50", Percentile(t, 50), "ms", "",
                std::string(sz.key) + "_p50_ms");
    report->Row(std::string(sz.name) + " verdict p99", Percentile(t, 99), "ms",
                std::to_string(t.size()) + " pastes, recorded as incidents when not allowed",
                std::string(sz.key) + "_p99_ms");
  }
  close(fd);
  report->Text("pastes blocked", std::to_string(blocked) + " of " + std::to_string(total) +
                                     " (each block writes an audit row, committed without waiting for an fsync)");
  report->Row("RSS after load", MemoryMb(svc.pid(), "VmRSS:"), "MB", "", "service_rss_load_mb");
  report->Row("RSS peak (VmHWM)", MemoryMb(svc.pid(), "VmHWM:"), "MB", "", "service_rss_peak_mb");
  svc.Stop();
}

}  // namespace dlp::bench
