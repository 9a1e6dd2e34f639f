// dlp-nmhost as the browser runs it: a real child process on pipes (native-messaging frames on
// stdin/stdout), relaying to a real dlp-agentd over its socket.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"
#include "process_util.h"

namespace {

using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::Client;
using dlp::test::ErrorCode;
using dlp::test::LengthPrefix;
using dlp::test::Ok;
using dlp::test::ScanRequest;
using dlp::test::kBlockText;
using dlp::test::kPublicAi;

std::string Frame(const std::string& payload) {
  return LengthPrefix(static_cast<uint32_t>(payload.size())) + payload;
}

// Splits a byte stream into frames (little-endian length prefixes); fails on leftovers.
std::vector<json> Frames(const std::string& out) {
  std::vector<json> v;
  size_t pos = 0;
  while (pos + 4 <= out.size()) {
    const auto* b = reinterpret_cast<const unsigned char*>(out.data() + pos);
    uint32_t n = b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
    REQUIRE(pos + 4 + n <= out.size());
    v.push_back(json::parse(out.substr(pos + 4, n)));
    pos += 4 + n;
  }
  REQUIRE(pos == out.size());
  return v;
}

// A running dlp-nmhost with its stdin and stdout as pipes; stderr goes to the test's stderr.
class Host {
 public:
  explicit Host(const std::string& socket) {
    int in[2], out[2];
    REQUIRE(pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(pipe2(out, O_CLOEXEC) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      unsetenv("DLP_AGENT_SOCKET");
      execl(DLP_NMHOST_BIN, DLP_NMHOST_BIN, "chrome-extension://abcdefghijklmnop/", "--socket",
            socket.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~Host() {
    CloseStdin();
    if (from_ >= 0) close(from_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool SendRaw(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t k = write(to_, bytes.data() + done, bytes.size() - done);
      if (k <= 0) return false;
      done += static_cast<size_t>(k);
    }
    return true;
  }
  bool Send(const json& msg) { return SendRaw(Frame(msg.dump())); }
  // The next frame from the host, nullopt on EOF or timeout.
  std::optional<json> Read(int timeout_ms = 30000) {
    std::string len, payload;
    if (!ReadN(4, &len, timeout_ms)) return std::nullopt;
    const auto* b = reinterpret_cast<const unsigned char*>(len.data());
    uint32_t n = b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
    if (n > (1u << 20)) {
      FAIL("frame to the browser over 1 MiB: " << n);
    }
    if (!ReadN(n, &payload, timeout_ms)) return std::nullopt;
    return json::parse(payload);
  }
  json Call(const json& msg) {
    REQUIRE(Send(msg));
    auto r = Read();
    REQUIRE(r.has_value());
    return *r;
  }
  void CloseStdin() {
    if (to_ >= 0) close(to_);
    to_ = -1;
  }
  // Waits for exit; returns the exit status, -1 if killed or still running after timeout_ms.
  int Wait(int timeout_ms = 20000) {
    for (int waited = 0; waited < timeout_ms; waited += 20) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      usleep(20000);
    }
    return -1;
  }
  bool Alive() { return waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  bool ReadN(size_t n, std::string* out, int timeout_ms) {
    out->clear();
    char buf[65536];
    while (out->size() < n) {
      pollfd p{from_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return false;
      ssize_t k = read(from_, buf, std::min(sizeof buf, n - out->size()));
      if (k <= 0) return false;
      out->append(buf, static_cast<size_t>(k));
    }
    return true;
  }
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
};

json Req(json body, json id) {
  body["v"] = 1;
  body["id"] = std::move(id);
  return body;
}

}  // namespace

TEST_CASE("nmhost: status and scan are relayed with the service's reply and the echoed id",
          "[nmhost]") {
  Agentd a("nmhost-relay");
  a.Start();
  Host h(a.socket());
  json st = h.Call(Req({{"op", "status"}}, "req-1"));
  CHECK(Ok(st));
  CHECK(st["id"] == "req-1");
  CHECK(st.contains("protocol"));
  json scan = h.Call(Req(ScanRequest(kBlockText, kPublicAi), json{{"tab", 3}, {"n", 9}}));
  CHECK(Ok(scan));
  CHECK(scan["id"] == json{{"tab", 3}, {"n", 9}});
  CHECK(scan["action"] == "block");
  REQUIRE(scan["findings"].size() >= 1);
  h.CloseStdin();
  CHECK(h.Wait() == 0);  // stdin closed: clean exit
}

TEST_CASE("nmhost: several messages in one write are answered in order", "[nmhost]") {
  Agentd a("nmhost-batch");
  a.Start();
  std::string in;
  for (int i = 0; i < 5; ++i) {
    json r = i % 2 ? Req(ScanRequest("Hôm nay trời đẹp", kPublicAi), i) : Req({{"op", "status"}}, i);
    in += Frame(r.dump());
  }
  auto res = dlp::test::RunProcess(DLP_NMHOST_BIN, {"--socket", a.socket()}, in);
  INFO(res.err);
  CHECK(res.status == 0);
  auto out = Frames(res.out);
  REQUIRE(out.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(out[i]["id"] == i);
    CHECK(Ok(out[i]));
    CHECK(out[i].contains("action") == (i % 2 == 1));
  }
}

TEST_CASE("nmhost: a payload that is not a JSON object gets not_json", "[nmhost]") {
  Agentd a("nmhost-notjson");
  a.Start();
  Host h(a.socket());
  REQUIRE(h.SendRaw(Frame("hello, not json")));
  auto r = h.Read();
  REQUIRE(r);
  CHECK(ErrorCode(*r) == "not_json");
  CHECK((*r)["v"] == 1);
  CHECK((*r)["ok"] == false);
  REQUIRE(h.SendRaw(Frame("[1,2,3]")));
  r = h.Read();
  REQUIRE(r);
  CHECK(ErrorCode(*r) == "not_json");
  json st = h.Call(Req({{"op", "status"}}, 5));  // the host goes on
  CHECK(Ok(st));
  CHECK(st["id"] == 5);
}

TEST_CASE("nmhost: service down gets unavailable and the host keeps running", "[nmhost]") {
  std::string missing = std::string(DLP_TEST_TMP) + "/nmhost-no-such-dir/agent.sock";
  Host h(missing);
  for (int i = 0; i < 2; ++i) {
    json r = h.Call(Req({{"op", "status"}}, "x" + std::to_string(i)));
    CHECK(ErrorCode(r) == "unavailable");
    CHECK(r["id"] == "x" + std::to_string(i));
    CHECK(r["v"] == 1);
    CHECK(r["error"]["message"] == "dlp-agentd is not running");
  }
  CHECK(h.Alive());
  h.CloseStdin();
  CHECK(h.Wait() == 0);
}

TEST_CASE("nmhost: service killed mid-session and restarted: the host reconnects", "[nmhost]") {
  Agentd a("nmhost-restart");
  a.Start();
  Host h(a.socket());
  CHECK(Ok(h.Call(Req({{"op", "status"}}, 1))));
  a.Kill();
  json r = h.Call(Req({{"op", "status"}}, 2));
  CHECK(ErrorCode(r) == "unavailable");
  CHECK(r["id"] == 2);
  a.Start();
  r = h.Call(Req(ScanRequest(kBlockText, kPublicAi), 3));
  CHECK(Ok(r));
  CHECK(r["id"] == 3);
  CHECK(r["action"] == "block");
  h.CloseStdin();
  CHECK(h.Wait() == 0);
}

TEST_CASE("nmhost: a reply over 1 MiB is replaced by too_large", "[nmhost]") {
  Agentd a("nmhost-large");
  a.Start();
  Host h(a.socket());
  std::string big_id((3u << 20) / 2, 'i');  // the service echoes it: a 1.5 MiB reply
  json r = h.Call(Req({{"op", "status"}}, big_id));
  CHECK(ErrorCode(r) == "too_large");
  CHECK(r["ok"] == false);
  CHECK(r["id"].is_null());  // the id itself cannot travel to the browser
  // A big reply with a small id keeps the id: a redacted copy of a 1.5 MiB text.
  std::string text;
  while (text.size() < (3u << 20) / 2) text += "Hôm nay trời đẹp, cuộc họp lúc 9 giờ. ";
  json scan = ScanRequest(text, kPublicAi);
  scan["redact"] = true;
  scan["record"] = false;
  r = h.Call(Req(scan, "big-scan"));
  CHECK(ErrorCode(r) == "too_large");
  CHECK(r["id"] == "big-scan");
  json st = h.Call(Req({{"op", "status"}}, 7));  // the session goes on
  CHECK(Ok(st));
  CHECK(st["id"] == 7);
}

TEST_CASE("nmhost: the service learns the extension's origin from the host, not the extension",
          "[nmhost]") {
  Agentd a("nmhost-origin");
  a.Start();
  Host h(a.socket());
  // The extension claims another origin; the host's hello came first on this connection.
  json hello = h.Call(Req({{"op", "hello"}, {"client", "extension"}, {"browser", "chromium"},
                           {"version", "0.1.0"}, {"origin", "chrome-extension://evil/"}}, 1));
  CHECK(Ok(hello));
  json st = h.Call(Req({{"op", "status"}}, 2));
  REQUIRE(st["clients"].size() == 1);
  json c = st["clients"][0];
  CHECK(c["client"] == "extension");
  CHECK(c["browser"] == "chromium");
  CHECK(c["origin"] == "chrome-extension://abcdefghijklmnop/");
  CHECK(c["via"] == "nmhost");
  CHECK(c["connected"] == true);
  h.CloseStdin();
  CHECK(h.Wait() == 0);
  // Seen from another client of the same user: the extension is listed as gone.
  Client other(a.socket());
  json later;
  for (int i = 0; i < 50; ++i) {
    later = other.Call({{"op", "status"}});
    if (!later["clients"].empty() && later["clients"][0]["connected"] == false) break;
    usleep(20000);
  }
  REQUIRE(later["clients"].size() == 1);
  CHECK(later["clients"][0]["connected"] == false);
}
