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

#include <algorithm>
#include <chrono>
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

std::string MsgId(const Received& m) { return m.header.substr(m.header.rfind(' ') + 1); }

// The incidents received (messages with MSGID "incident"; decisions name an incident too).
std::set<int64_t> IncidentIds(const std::vector<Received>& msgs) {
  std::set<int64_t> ids;
  for (const auto& m : msgs)
    if (m.sd.count("incident") && MsgId(m) == "incident") ids.insert(std::stoll(m.sd.at("incident")));
  return ids;
}

json FleetStatus(const std::string& socket) {
  Client c(socket);
  json s = c.Call({{"op", "status"}});
  return s.contains("fleet") ? s["fleet"] : json();
}

// Voluntary context switches (wake-ups after sleeping) of each thread of pid, by thread name.
std::map<std::string, long> WakeUps(pid_t pid) {
  std::map<std::string, long> out;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::string comm = ReadFileBytes(e.path().string() + "/comm");
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    std::string status = ReadFileBytes(e.path().string() + "/status");
    size_t at = status.find("voluntary_ctxt_switches:");
    if (at == std::string::npos) continue;
    out[comm + "/" + e.path().filename().string()] = std::atol(status.c_str() + at + 24);
  }
  return out;
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
  // The cursor says what was confirmed delivered (saved a moment after rsyslog has the bytes).
  json cursor;
  CHECK(WaitUntil([&] {
    cursor = json::parse(ReadFileBytes(d.state_dir() + "/siem-cursor.json"), nullptr, false);
    return cursor.is_object() && cursor["last_id"] == std::max(block, warn);
  }, 10000));
  // And so does status: connected, nothing waiting.
  json f;
  REQUIRE(WaitUntil([&] {
    f = FleetStatus(d.socket());
    return f["siem"]["delivered_incident"] == std::max(block, warn);
  }, 10000));
  INFO("fleet status: " << f.dump());
  CHECK(f["siem"]["collector"] == "tls://127.0.0.1:" + std::to_string(port));
  CHECK(f["siem"]["connected"] == true);
  CHECK(f["siem"]["disabled"] == false);
  CHECK(f["siem"]["backlog"] == 0);
  CHECK(f["siem"]["last_error"].is_null());
  CHECK(f["siem"]["last_delivery"].is_string());
  CHECK(f["updates"].is_null());
  dlp::test::ProcessResult ctl =
      dlp::test::RunProcess(DLP_AGENTCTL_BIN, {"--socket", d.socket(), "status"}, "");
  CHECK(ctl.out.find("siem:    tls://127.0.0.1:" + std::to_string(port) +
                     " (rfc5424), connected, backlog 0 incident(s)") != std::string::npos);
}

TEST_CASE("fleet: a user's decision on a warning reaches the SIEM as its own message, without "
          "the reason's text", "[fleet][siem]") {
  if (!HaveTools("the decision forwarding test")) return;
  dlp::test::TempDir t("siem-decisions");
  const std::string root = t.path();
  std::string error;
  fs::create_directories(root + "/pki");
  REQUIRE(dlp::test::MakeTestPki(root + "/pki", &error));
  const int port = dlp::test::FreePort();
  Rsyslog collector(root + "/rsyslog", root + "/pki", port);
  REQUIRE(collector.Start(&error));
  FleetAgentd d(root + "/agent", {"--siem", "tls://127.0.0.1:" + std::to_string(port),
                                  "--siem-ca", root + "/pki/ca.pem", "--siem-max-backoff", "1"});
  d.Start();
  Client c(d.socket());
  const int64_t warn1 = ScanIncident(c, dlp::test::kWarnText);
  const int64_t warn2 = ScanIncident(c, dlp::test::kWarnText);
  // A reason may hold anything the user typed, here a CCCD number: it must not leave the machine.
  const std::string reason = "Gửi cho bộ phận 001085012345 theo chỉ đạo";
  json r = c.Call({{"v", 1}, {"op", "decide"}, {"incident", warn1}, {"decision", "continue"},
                   {"justification", reason}});
  REQUIRE(dlp::test::Ok(r));
  r = c.Call({{"v", 1}, {"op", "decide"}, {"incident", warn2}, {"decision", "cancel"}});
  REQUIRE(dlp::test::Ok(r));

  std::vector<Received> msgs;
  std::map<int64_t, Received> decisions;
  bool arrived = WaitUntil([&] {
    msgs = ParseReceived(collector.received());
    decisions.clear();
    for (const auto& m : msgs)
      if (MsgId(m) == "decision") decisions[std::stoll(m.sd.at("incident"))] = m;
    return decisions.size() == 2;
  }, 30000);
  std::string raw = ReadFileBytes(collector.received());
  INFO("received:\n" << raw << "\nagentd log:\n" << d.Log());
  REQUIRE(arrived);
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  const Received& cont = decisions.at(warn1);
  CHECK(cont.pri == "<108>");  // log audit, warning: the content went out after a warning
  CHECK(cont.sd.at("decision") == "continue");
  CHECK(std::regex_match(cont.sd.at("id"), std::regex(std::string(host) + "/[0-9a-f]{16}/" +
                                                       std::to_string(warn1) + "/decision")));
  CHECK(cont.sd.at("justification_bytes") == std::to_string(reason.size()));
  CHECK(cont.sd.at("user") == UserName());
  CHECK(cont.sd.at("uid") == std::to_string(getuid()));
  CHECK(cont.sd.at("hash").size() == 64);
  CHECK(cont.msg.find("continue on incident " + std::to_string(warn1)) == 0);
  const Received& cancel = decisions.at(warn2);
  CHECK(cancel.pri == "<110>");  // informational
  CHECK(cancel.sd.at("decision") == "cancel");
  CHECK(cancel.sd.at("justification_bytes") == "0");
  // The incident's own id is the decision's id without "/decision": the SIEM can join them.
  for (const auto& m : msgs)
    if (MsgId(m) == "incident" && m.sd.at("incident") == std::to_string(warn1))
      CHECK(cont.sd.at("id") == m.sd.at("id") + "/decision");
  // Each decision after its incident, in the order received.
  std::vector<std::string> order;
  for (const auto& m : msgs) order.push_back(MsgId(m) + ":" + m.sd.at("incident"));
  auto pos = [&](const std::string& k) { return std::find(order.begin(), order.end(), k) - order.begin(); };
  CHECK(pos("incident:" + std::to_string(warn1)) < pos("decision:" + std::to_string(warn1)));
  CHECK(pos("incident:" + std::to_string(warn2)) < pos("decision:" + std::to_string(warn2)));
  CHECK(raw.find("001085012345") == std::string::npos);
  CHECK(raw.find("chỉ đạo") == std::string::npos);
  CHECK(raw.find(dlp::test::kWarnValue) == std::string::npos);
  json cursor;
  CHECK(WaitUntil([&] {
    cursor = json::parse(ReadFileBytes(d.state_dir() + "/siem-cursor.json"), nullptr, false);
    return cursor.is_object() && cursor["last_decision"].get<int64_t>() > std::max(warn1, warn2);
  }, 10000));
  CHECK(FleetStatus(d.socket())["siem"]["delivered_decision"] == cursor["last_decision"]);

  // A restart sends neither again.
  size_t before = msgs.size();
  d.Stop();
  d.Start();
  Client c2(d.socket());
  const int64_t later = ScanIncident(c2, dlp::test::kBlockText);
  REQUIRE(WaitUntil([&] { return IncidentIds(ParseReceived(collector.received())).count(later) > 0; },
                    30000));
  CHECK(ParseReceived(collector.received()).size() == before + 1);
}

TEST_CASE("fleet: idle, the updater and the forwarder threads do not wake up", "[fleet][siem]") {
  if (!HaveTools("the idle wake-up test")) return;
  dlp::test::TempDir t("siem-idle");
  const std::string root = t.path();
  std::string error;
  fs::create_directories(root + "/pki");
  REQUIRE(dlp::test::MakeTestPki(root + "/pki", &error));
  const int port = dlp::test::FreePort();
  Rsyslog collector(root + "/rsyslog", root + "/pki", port);
  REQUIRE(collector.Start(&error));
  fs::create_directories(root + "/usb");
  FleetAgentd d(root + "/agent", {"--siem", "tls://127.0.0.1:" + std::to_string(port),
                                  "--siem-ca", root + "/pki/ca.pem", "--update-url",
                                  root + "/usb", "--update-interval", "900"});
  d.Start();
  {
    Client c(d.socket());
    const int64_t id = ScanIncident(c, dlp::test::kBlockText);
    REQUIRE(WaitUntil([&] { return IncidentIds(ParseReceived(collector.received())).count(id) > 0; },
                      30000));
  }
  WaitUntil([] { return false; }, 1000);  // let the delivery's last steps settle
  // The updater's first check is due at a random moment in its first minute (a fleet powered on
  // together spreads out), so it falls in a 5 s window about one time in ten: a window with a
  // scheduled check in it (last_check moved) is measured again; the next check is 900 s away.
  auto last_check = [&] { return FleetStatus(d.socket())["updates"].value("last_check", json()); };
  std::map<std::string, long> before, after;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const json checked = last_check();
    before = WakeUps(d.pid());
    WaitUntil([] { return false; }, 5000);
    after = WakeUps(d.pid());
    WaitUntil([] { return false; }, 500);  // a check under way at the window's end is seen too
    if (last_check() == checked) break;
  }
  int fleet_threads = 0;
  for (const auto& [thread, n] : after) {
    if (thread.rfind("dlp-siem/", 0) != 0 && thread.rfind("dlp-updater/", 0) != 0) continue;
    ++fleet_threads;
    INFO(thread << ": " << before[thread] << " -> " << n);
    CHECK(n - before[thread] == 0);
  }
  CHECK(fleet_threads == 2);
  // Woken by the audit log, not by a timer: a new incident still arrives at once.
  Client c(d.socket());
  const int64_t id = ScanIncident(c, dlp::test::kBlockText);
  auto sent = std::chrono::steady_clock::now();
  REQUIRE(WaitUntil([&] { return IncidentIds(ParseReceived(collector.received())).count(id) > 0; },
                    10000));
  CHECK(std::chrono::steady_clock::now() - sent < std::chrono::seconds(3));
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
  REQUIRE(WaitUntil([&] { return d.Log().find("message(s) wait in the audit log") != std::string::npos; },
                    20000));
  // Status: not connected, the three incidents waiting, the error.
  json f = FleetStatus(d.socket());
  INFO("fleet status: " << f.dump());
  CHECK(f["siem"]["connected"] == false);
  CHECK(f["siem"]["backlog"] == 3);
  CHECK(f["siem"]["last_error"].is_string());
  CHECK(f["siem"]["consecutive_failures"].get<int>() >= 1);
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
  dlp::fleet::DecisionEvent dec;
  dec.seq = 43;
  dec.incident_id = 42;
  dec.time = "2026-11-22T04:53:00.001Z";
  dec.uid = 1000;
  dec.user = "lan";
  dec.host = "ws 042";
  dec.decision = "false_alarm";
  dec.justification_bytes = 17;
  dec.hash = std::string(64, 'b');
  std::string dm = dlp::fleet::FormatDecision(dec, "0123456789abcdef", 77,
                                              dlp::fleet::SyslogFormat::kRfc5424);
  CHECK(dm == "<109>1 2026-11-22T04:53:00.001Z ws042 dlp-agentd 77 decision [dlp@32473 "
              "id=\"ws042/0123456789abcdef/42/decision\" incident=\"42\" decision=\"false_alarm\" "
              "justification_bytes=\"17\" user=\"lan\" uid=\"1000\" hash=\"" + std::string(64, 'b') +
              "\"] false_alarm on incident 42 by lan (reason given, 17 bytes)");
  std::string de = dlp::fleet::FormatDecision(dec, "0123456789abcdef", 77, dlp::fleet::SyslogFormat::kEcs);
  json ddoc = json::parse(de.substr(de.find("] ") + 2));
  CHECK(ddoc["event"]["id"] == "ws042/0123456789abcdef/42/decision");
  CHECK(ddoc["event"]["dataset"] == "dlp.decision");
  CHECK(ddoc["dlp"]["incident_id"] == "ws042/0123456789abcdef/42");
  CHECK(ddoc["dlp"]["justification_bytes"] == 17);
  CHECK_FALSE(ddoc["dlp"].contains("justification"));
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
