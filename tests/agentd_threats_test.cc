// Security tests named after docs/THREAT_MODEL.md: what another local user can reach on disk,
// what the native-messaging host does with hostile messages, and that nothing raw leaves the
// service through its SIEM export or its replies' redaction.
//
// dlp-agentd and dlp-nmhost as they run: real child processes over real sockets and pipes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dlp::test::Agentd;
using dlp::test::AgentdOptions;
using dlp::test::Client;
using dlp::test::ErrorCode;
using dlp::test::LengthPrefix;
using dlp::test::Ok;
using dlp::test::Out;
using dlp::test::ProcessResult;
using dlp::test::ScanRequest;
using dlp::test::kPublicAi;

std::string Frame(const std::string& payload) {
  return LengthPrefix(static_cast<uint32_t>(payload.size())) + payload;
}

std::vector<json> Frames(const std::string& out) {
  std::vector<json> v;
  size_t pos = 0;
  while (pos + 4 <= out.size()) {
    const auto* b = reinterpret_cast<const unsigned char*>(out.data() + pos);
    uint32_t n = b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
    if (pos + 4 + n > out.size()) break;
    v.push_back(json::parse(out.substr(pos + 4, n), nullptr, false));
    pos += 4 + n;
  }
  return v;
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Synthetic secrets in every spelling a leak could take.
const std::vector<std::string> kRaw = {"001085012345", "4111 1111 1111 1111", "4111111111111111",
                                       "Abc@12345", "0912 345 678"};
const std::vector<std::string> kTexts = {
    "CCCD của ông Hùng: 001085012345",
    "Thanh toán bằng thẻ 4111 1111 1111 1111 hết hạn 12/27",
    "Tài khoản quản trị, password: Abc@12345",
    "Liên hệ: 0912 345 678, thẻ 4111111111111111",
};

}  // namespace

// ---- files and sockets ------------------------------------------------------------------------

TEST_CASE("threats: socket and state files are closed to other local users", "[threats][perms]") {
  SECTION("system mode") {
    AgentdOptions opt;
    opt.user_mode = false;
    Agentd d("perms-system", opt);
    d.Start();
    Client c(d.socket());
    REQUIRE(c.Call(ScanRequest(kTexts[0], kPublicAi)).contains("incident"));
    // Every user may ask; the kernel tells them apart.
    CHECK(Mode(d.socket()) == 0666);
    CHECK(Mode(fs::path(d.socket()).parent_path()) == 0755);
    // The audit log, the install key and the cache: the service's alone.
    CHECK(Mode(d.state_dir()) == 0700);
    CHECK(Mode(d.state_dir() + "/cache") == 0700);
    CHECK((Mode(d.state_dir() + "/install.key") & 0077) == 0);
    for (const auto& e : fs::recursive_directory_iterator(d.state_dir())) {
      INFO(e.path());
      CHECK((Mode(e.path()) & 0022) == 0);  // nothing group- or world-writable
    }
    if (geteuid() != 0) {
      WARN("SKIPPED (other-user half): needs root to setuid() to nobody");
      return;
    }
    passwd* pw = getpwnam("nobody");
    REQUIRE(pw != nullptr);
    // As nobody: nothing in the state directory can be opened, listed or created.
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      if (setgroups(0, nullptr) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) _exit(10);
      int bad = 0;
      for (const std::string& p : {d.audit_db(), d.state_dir() + "/install.key",
                                   d.state_dir() + "/active-bundle.json"}) {
        int fd = open(p.c_str(), O_RDONLY);
        if (fd >= 0 || errno != EACCES) ++bad;
        if (fd >= 0) close(fd);
      }
      if (open((d.state_dir() + "/evil").c_str(), O_CREAT | O_WRONLY, 0600) >= 0) ++bad;
      if (opendir(d.state_dir().c_str()) != nullptr) ++bad;
      // The socket is reachable (0666), by design.
      Client other(d.socket());
      if (!other.connected()) ++bad;
      _exit(bad);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  SECTION("user mode") {
    Agentd d("perms-user");
    d.Start();
    CHECK(Mode(d.socket()) == 0600);
    CHECK(Mode(fs::path(d.socket()).parent_path()) == 0700);
    CHECK(Mode(d.state_dir()) == 0700);
  }
}

// ---- the native-messaging host ----------------------------------------------------------------

// Regression (found by fuzz_nmhost_stdio's reasoning, shown with the real binary): dlp-nmhost
// copied the echoed "id" of every message, recursively, so a message nested 100000 deep killed
// the host with a stack overflow (SIGSEGV) and the extension lost its link to the service.
TEST_CASE("nmhost: a message nested 100000 deep gets bad_request, not a stack overflow",
          "[nmhost][threats][regression]") {
  std::string deep = R"({"v":1,"op":"status","id":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  std::string input = Frame(deep) + Frame(R"({"v":1,"id":5,"op":"status"})");
  ProcessResult r = dlp::test::RunProcess(
      DLP_NMHOST_BIN, {"--socket", std::string(DLP_TEST_TMP) + "/no-such-dir/agent.sock",
                       "chrome-extension://abcdefghijklmnop/"}, input);
  INFO(Out(r).substr(0, 2000));
  CHECK(r.status == 0);
  std::vector<json> out = Frames(r.out);
  REQUIRE(out.size() == 2);
  CHECK(ErrorCode(out[0]) == "bad_request");
  CHECK(out[0]["id"].is_null());
  CHECK(ErrorCode(out[1]) == "unavailable");
  CHECK(out[1]["id"] == 5);
}

TEST_CASE("nmhost: hostile frames from the browser side never crash the host",
          "[nmhost][threats]") {
  Agentd d("nmhost-hostile");
  d.Start();
  std::vector<std::string> hostile = {
      Frame(""), Frame("\xff\xfe"), Frame("[]"), Frame("null"),
      Frame(R"({"v":1,"id":"\ud800","op":"status"})"),
      Frame(R"({"v":1,"id":)" + std::string(64, '[') + std::string(64, ']') + R"(,"op":"status"})"),
      Frame(R"({"v":1,"id":1,"op":"hello","client":"nmhost","origin":"chrome-extension://evil/"})"),
      Frame(std::string(R"({"v":1,"id":2,"op":"scan","channel":"paste","destination":"x","text":")") +
            std::string(300000, 'a') + "\"}"),
  };
  std::string input;
  for (const auto& h : hostile) input += h;
  input += Frame(R"({"v":1,"id":"last","op":"status"})");
  ProcessResult r = dlp::test::RunProcess(
      DLP_NMHOST_BIN, {"--socket", d.socket(), "chrome-extension://abcdefghijklmnop/"}, input);
  INFO(Out(r).substr(0, 2000));
  CHECK(r.status == 0);
  std::vector<json> out = Frames(r.out);
  REQUIRE(out.size() == hostile.size() + 1);
  CHECK(out.back()["id"] == "last");
  CHECK(Ok(out.back()));
  // The origin the service keeps is the one the browser named, not the one in the message.
  Client c(d.socket());
  json st = c.Call({{"op", "status"}});
  REQUIRE(Ok(st));
  for (const auto& cl : st["clients"]) {
    INFO(cl.dump());
    if (cl.contains("origin")) CHECK(cl["origin"] == "chrome-extension://abcdefghijklmnop/");
  }
}

// ---- privacy ----------------------------------------------------------------------------------

TEST_CASE("threats: no raw value in the SIEM export, the history or a redacted text",
          "[threats][privacy]") {
  Agentd d("siem");
  d.Start();
  Client c(d.socket());
  for (const auto& text : kTexts) {
    json req = ScanRequest(text, kPublicAi);
    req["redact"] = true;
    json r = c.Call(req);
    REQUIRE(Ok(r));
    REQUIRE_FALSE(r["findings"].empty());
    for (const auto& raw : kRaw) {
      INFO(raw);
      CHECK(r["redacted"].get<std::string>().find(raw) == std::string::npos);
      for (const auto& f : r["findings"]) CHECK(f["masked"].get<std::string>() != raw);
    }
  }
  json h = c.Call({{"op", "history"}, {"limit", 200}});
  REQUIRE(Ok(h));
  ProcessResult ex = d.Ctl({"audit", "export", "--format", "ndjson", "--db", d.audit_db()});
  REQUIRE(ex.status == 0);
  REQUIRE_FALSE(ex.out.empty());
  for (const auto& raw : kRaw) {
    INFO(raw);
    CHECK(ex.out.find(raw) == std::string::npos);
    CHECK(h.dump().find(raw) == std::string::npos);
    CHECK(d.Log().find(raw) == std::string::npos);
  }
}
