// Incidents to the SIEM (issue 7): the real dlp-agentd forwarding to a real rsyslogd on
// 127.0.0.1 over RFC 5425 (TLS, ossl driver, test CA made at test time). Incidents arrive with
// the expected fields and no raw content; with the collector stopped (and the service
// restarted meanwhile) nothing is lost once it is back. Plus the message format and the
// configuration file in process.
//
// The server parts are skipped with a warning when rsyslogd or openssl is not installed
// (scripts/install-deps.sh installs them).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"
#include "fleet/config_file.h"
#include "fleet/syslog_format.h"
#include "fleet/syslog_forwarder.h"
#include "fleet_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dlp::test::Client;
using dlp::test::FleetAgentd;
using dlp::test::ReadFileBytes;
using dlp::test::Rsyslog;
using dlp::test::ScanRequest;
using dlp::test::WaitUntil;

bool HaveTools(const char* what) {
  for (const char* tool : {"rsyslogd", "openssl"}) {
    if (dlp::test::FindProgram(tool).empty()) {
      WARN("skipped " << what << ": " << tool << " is not installed (scripts/install-deps.sh)");
      return false;
    }
  }
  return true;
}

// One received message, split: header fields, SD params of [dlp@32473 ...], and MSG.
struct Received {
  std::string pri, header, msg;
  std::map<std::string, std::string> sd;
};

std::vector<Received> ParseReceived(const std::string& file) {
  std::vector<Received> out;
  std::string text = ReadFileBytes(file);
  std::regex line_re(R"re(^(<\d+>)1 (\S+ \S+ \S+ \S+ \S+) \[dlp@32473((?: [a-z_]+="(?:[^"\\]|\\.)*")*)\] ?(.*)$)re");
  std::regex param_re(R"re( ([a-z_]+)="((?:[^"\\]|\\.)*)")re");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    Received r;
    r.pri = m[1];
    r.header = m[2];
    r.msg = m[4];
    std::string params = m[3];
    for (auto it = std::sregex_iterator(params.begin(), params.end(), param_re);
         it != std::sregex_iterator(); ++it)
      r.sd[(*it)[1]] = (*it)[2];
    out.push_back(std::move(r));
  }
  return out;
}

std::set<int64_t> IncidentIds(const std::vector<Received>& msgs) {
  std::set<int64_t> ids;
  for (const auto& m : msgs)
    if (m.sd.count("incident")) ids.insert(std::stoll(m.sd.at("incident")));
  return ids;
}

std::string UserName() {
  passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_name : "";
}

int64_t ScanIncident(Client& c, const std::string& text) {
  json r = c.Call(ScanRequest(text, dlp::test::kPublicAi));
  REQUIRE(dlp::test::Ok(r));
  REQUIRE(r.contains("incident"));
  return r["incident"].get<int64_t>();
}

constexpr char kCccdValue[] = "001085012345";

}  // namespace

TEST_CASE("fleet: incidents reach a real rsyslog over TLS with their fields and no raw content",
          "[fleet][siem]") {
  if (!HaveTools("the rsyslog forwarding test")) return;
  dlp::test::TempDir t("siem");
  const std::string root = t.path();
  std::string error;
  fs::create_directories(root + "/pki");
  REQUIRE(dlp::test::MakeTestPki(root + "/pki", &error));
  const int port = dlp::test::FreePort();
  Rsyslog collector(root + "/rsyslog", root + "/pki", port);
  REQUIRE(collector.Start(&error));

  FleetAgentd d(root + "/agent", {"--siem", "tls://127.0.0.1:" + std::to_string(port), "--siem-ca",
                                  root + "/pki/ca.pem", "--siem-max-backoff", "1"});
  d.Start();
  Client c(d.socket());
  int64_t block = ScanIncident(c, dlp::test::kBlockText);
  int64_t warn = ScanIncident(c, dlp::test::kWarnText);
  std::vector<Received> msgs;
  bool arrived = WaitUntil([&] {
    msgs = ParseReceived(collector.received());
    auto ids = IncidentIds(msgs);
    return ids.count(block) && ids.count(warn);
  }, 30000);
  std::string raw = ReadFileBytes(collector.received());
  INFO("received:\n" << raw << "\nagentd log:\n" << d.Log() << "\nrsyslogd log:\n" << collector.Log());
  REQUIRE(arrived);

  char host[256] = "";
  gethostname(host, sizeof host - 1);
  for (const Received& m : msgs) {
    const int64_t id = std::stoll(m.sd.at("incident"));
    INFO("message of incident " << id << ": " << m.pri << " " << m.header);
    CHECK(m.header.find(" " + std::string(host) + " dlp-agentd ") != std::string::npos);
    CHECK(m.header.substr(m.header.rfind(' ') + 1) == "incident");
    CHECK(std::regex_match(m.sd.at("id"), std::regex(std::string(host) + "/[0-9a-f]{16}/" +
                                                     std::to_string(id))));
    CHECK(m.sd.at("user") == UserName());
    CHECK(m.sd.at("uid") == std::to_string(getuid()));
    CHECK(m.sd.at("destination") == dlp::test::kPublicAi);
    CHECK(m.sd.at("group") == "public_ai");
    CHECK(m.sd.at("channel") == "paste");
    CHECK(m.sd.at("fingerprint").size() == 64);
    CHECK(m.sd.at("hash").size() == 64);
    CHECK_FALSE(m.sd.at("masked").empty());
    if (id == block) {
      CHECK(m.pri == "<108>");  // log audit (13) * 8 + warning
      CHECK(m.sd.at("action") == "block");
      CHECK(m.sd.at("rules").find("cccd") != std::string::npos);
      CHECK(m.sd.at("types").find("cccd") != std::string::npos);
      CHECK(m.msg.find("block paste to") == 0);
    } else if (id == warn) {
      CHECK(m.pri == "<109>");  // notice
      CHECK(m.sd.at("action") == "warn");
      CHECK(m.sd.at("types").find("phone") != std::string::npos);
    }
  }
  // Never the text, never a matched value.
  CHECK(raw.find(kCccdValue) == std::string::npos);
  CHECK(raw.find(dlp::test::kWarnValue) == std::string::npos);
  CHECK(raw.find("0912345678") == std::string::npos);
  CHECK(raw.find("Số CCCD của tôi") == std::string::npos);
  CHECK(raw.find("Liên hệ") == std::string::npos);
  // The cursor says what was confirmed delivered.
  json cursor = json::parse(ReadFileBytes(d.state_dir() + "/siem-cursor.json"));
  CHECK(cursor["last_id"] == std::max(block, warn));
}

TEST_CASE("fleet: with the collector down (and the service restarted) no incident is lost",
          "[fleet][siem]") {
  if (!HaveTools("the rsyslog outage test")) return;
  dlp::test::TempDir t("siem-outage");
  const std::string root = t.path();
  std::string error;
  fs::create_directories(root + "/pki");
  REQUIRE(dlp::test::MakeTestPki(root + "/pki", &error));
  const int port = dlp::test::FreePort();
  Rsyslog collector(root + "/rsyslog", root + "/pki", port);
  REQUIRE(collector.Start(&error));
  FleetAgentd d(root + "/agent", {"--siem", "tls://localhost:" + std::to_string(port), "--siem-ca",
                                  root + "/pki/ca.pem", "--siem-format", "ecs",
                                  "--siem-max-backoff", "1"});
  d.Start();
  std::set<int64_t> created;
  {
    Client c(d.socket());
    created.insert(ScanIncident(c, dlp::test::kBlockText));
  }
  REQUIRE(WaitUntil([&] { return IncidentIds(ParseReceived(collector.received())).size() == 1; },
                    30000));

  // The collector stops; incidents keep coming; the service itself restarts in between.
  collector.Stop();
  {
    Client c(d.socket());
    for (int i = 0; i < 3; ++i)
      created.insert(ScanIncident(c, i % 2 ? dlp::test::kWarnText : dlp::test::kBlockText));
  }
  REQUIRE(WaitUntil([&] { return d.Log().find("incident(s) wait in the audit log") != std::string::npos; },
                    20000));
  d.Stop();
  d.Start();
  {
    Client c(d.socket());
    for (int i = 0; i < 3; ++i) created.insert(ScanIncident(c, dlp::test::kBlockText));
  }
  // Scans are answered while the collector is away.
  REQUIRE(created.size() == 7);
  REQUIRE(collector.Start(&error));
  std::set<int64_t> got;
  bool all = WaitUntil([&] {
    got = IncidentIds(ParseReceived(collector.received()));
    return std::includes(got.begin(), got.end(), created.begin(), created.end());
  }, 30000);
  std::string raw = ReadFileBytes(collector.received());
  INFO("received:\n" << raw << "\nagentd log:\n" << d.Log() << "\nrsyslogd log:\n" << collector.Log());
  CHECK(all);
  // ECS JSON in the message, with the stable id as event.id and nothing raw.
  for (const Received& m : ParseReceived(collector.received())) {
    json doc = json::parse(m.msg, nullptr, false);
    REQUIRE(doc.is_object());
    CHECK(doc["event"]["id"] == m.sd.at("id"));
    CHECK(doc["dlp"]["incident"] == m.sd.at("incident"));
    CHECK(doc["event"]["action"] == m.sd.at("action"));
    CHECK(doc["user"]["name"] == UserName());
    CHECK_FALSE(doc["dlp"].contains("justification"));
  }
  CHECK(raw.find(kCccdValue) == std::string::npos);
  CHECK(raw.find(dlp::test::kWarnValue) == std::string::npos);
}

// ---- in process -------------------------------------------------------------------------------

TEST_CASE("fleet: RFC 5424 formatting, escaping and octet-counted framing", "[fleet][siem]") {
  json ecs = {{"@timestamp", "2026-11-22T04:52:12.345Z"},
              {"event", {{"id", "42"}, {"action", "warn"}, {"hash", std::string(64, 'a')}}},
              {"host", {{"name", "ws 042"}}},
              {"user", {{"id", "1000"}, {"name", "lan"}}},
              {"rule", {{"id", {"vn.a", "vn.b"}}}},
              {"dlp", {{"channel", "paste"}, {"destination", "x\"]\\y"}, {"types", {"cccd"}},
                       {"count", 2}, {"masked", "00**45\nline2"}, {"justification", "secret"}}},
              {"message", "warn paste"}};
  std::string m = dlp::fleet::FormatIncident(ecs, "0123456789abcdef", 77,
                                             dlp::fleet::SyslogFormat::kRfc5424);
  CHECK(m.rfind("<109>1 2026-11-22T04:52:12.345Z ws042 dlp-agentd 77 incident [dlp@32473 "
                "id=\"ws042/0123456789abcdef/42\" incident=\"42\" action=\"warn\"", 0) == 0);
  CHECK(m.find("destination=\"x\\\"\\]\\\\y\"") != std::string::npos);
  CHECK(m.find("rules=\"vn.a,vn.b\"") != std::string::npos);
  CHECK(m.find("count=\"2\"") != std::string::npos);
  CHECK(m.find("masked=\"00**45 line2\"") != std::string::npos);
  CHECK(m.find("secret") == std::string::npos);
  CHECK(m.size() >= 12);
  CHECK(m.substr(m.size() - 12) == "] warn paste");
  std::string e = dlp::fleet::FormatIncident(ecs, "0123456789abcdef", 77, dlp::fleet::SyslogFormat::kEcs);
  json doc = json::parse(e.substr(e.find("] ") + 2));
  CHECK(doc["event"]["id"] == "ws042/0123456789abcdef/42");
  CHECK_FALSE(doc["dlp"].contains("justification"));
  CHECK(dlp::fleet::OctetCountedFrame("abc") == "3 abc");
  CHECK(dlp::fleet::OctetCountedFrame("ệ") == "3 ệ");  // octets, not characters

  bool tls = false;
  std::string host;
  int port = 0;
  REQUIRE(dlp::fleet::ParseSyslogUrl("tls://siem.bo.gov.vn", &tls, &host, &port).ok());
  CHECK((tls && host == "siem.bo.gov.vn" && port == 6514));
  REQUIRE(dlp::fleet::ParseSyslogUrl("tcp://[::1]:1514", &tls, &host, &port).ok());
  CHECK((!tls && host == "::1" && port == 1514));
  CHECK_FALSE(dlp::fleet::ParseSyslogUrl("udp://x:514", &tls, &host, &port).ok());
  CHECK_FALSE(dlp::fleet::ParseSyslogUrl("tls://x:99999", &tls, &host, &port).ok());
}

TEST_CASE("fleet: the configuration file becomes flags, with errors naming the line",
          "[fleet][config]") {
  dlp::test::TempDir t("config");
  std::string path = t.path() + "/agentd.conf";
  dlp::test::WriteFileBytes(path, "# comment\n\n  update-url = https://a/b.dlpb  \n"
                                  "siem-ca = \"/etc/x y.pem\"\nworkers=2\n");
  std::vector<std::string> args;
  REQUIRE(dlp::fleet::ReadConfigFile(path, &args).ok());
  CHECK(args == std::vector<std::string>{"--update-url", "https://a/b.dlpb", "--siem-ca",
                                         "/etc/x y.pem", "--workers", "2"});
  dlp::test::WriteFileBytes(path, "workers = 2\nthis is wrong\n");
  args.clear();
  dlp::Status s = dlp::fleet::ReadConfigFile(path, &args);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("agentd.conf:2") != std::string::npos);
  CHECK(dlp::fleet::ReadConfigFile(t.path() + "/none.conf", &args).code() ==
        dlp::Status::Code::kNotFound);

  // The daemon refuses an unknown key, and a flag wins over the file.
  dlp::test::WriteFileBytes(path, "no-such-setting = 1\n");
  dlp::test::ProcessResult r = dlp::test::RunProcess(DLP_AGENTD_BIN, {"--user", "--config", path}, "");
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown option --no-such-setting") != std::string::npos);
  r = dlp::test::RunProcess(DLP_AGENTD_BIN, {"--user", "--config", t.path() + "/missing.conf"}, "");
  CHECK(r.status == 2);
  // A wrong fleet setting disables that feature, never the protection; the flag's value is the
  // one used.
  dlp::test::WriteFileBytes(path, "siem = udp://from-the-file\nupdate-url = relative/dir\n");
  FleetAgentd d(t.path() + "/agent", {"--config", path, "--siem", "udp://from-the-flag"});
  d.Start();
  Client c(d.socket());
  CHECK(c.Call(ScanRequest(dlp::test::kBlockText, dlp::test::kPublicAi))["action"] == "block");
  std::string log = d.Log();
  INFO(log);
  CHECK(log.find("incident forwarding disabled: siem: expected tls://HOST:PORT or tcp://HOST:PORT, "
                 "got udp://from-the-flag") != std::string::npos);
  CHECK(log.find("from-the-file") == std::string::npos);
  CHECK(log.find("rule updates disabled: update-url: a directory source must be an absolute path") !=
        std::string::npos);
}
