// Rule updates over HTTPS (issue 7): the real dlp-agentd polling a real nginx on 127.0.0.1 with
// TLS from a test CA made at test time, and bundles made with the real dlp-rules. New versions
// are picked up; tampered and older ones refused with the active bundle unchanged (and not
// fetched again); 304 Not Modified is honoured; a server that goes away and comes back is
// polled again after backoff; a directory source (USB delivery) works the same.
//
// Skipped with a warning when nginx or openssl is not installed (scripts/install-deps.sh
// installs them).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <utime.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "agentd_fixture.h"
#include "agentd_test_util.h"
#include "fleet/http_fetch.h"
#include "fleet_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dlp::test::Client;
using dlp::test::FleetAgentd;
using dlp::test::Nginx;
using dlp::test::ProcessResult;
using dlp::test::ReadFileBytes;
using dlp::test::WaitUntil;
using dlp::test::WriteFileBytes;

bool HaveTools(const char* what) {
  for (const char* tool : {"nginx", "openssl"}) {
    if (dlp::test::FindProgram(tool).empty()) {
      WARN("skipped " << what << ": " << tool << " is not installed (scripts/install-deps.sh)");
      return false;
    }
  }
  return true;
}

ProcessResult Rules(std::vector<std::string> args) {
  return dlp::test::RunProcess(DLP_RULES_BIN, std::move(args), "");
}

// The source packs with e-mail addresses at high severity (block toward public AI instead of
// warn), so a scan shows whether the downloaded rules are active.
std::string EmailHighPack(const std::string& root) {
  std::string dir = root + "/pack-email-high";
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(std::string(DLP_SOURCE_DIR) + "/rules/packs"))
    fs::copy_file(e.path(), dir + "/" + e.path().filename().string());
  std::string yaml = ReadFileBytes(dir + "/contacts.yaml");
  size_t rule = yaml.find("id: vn.contact.email");
  REQUIRE(rule != std::string::npos);
  size_t sev = yaml.find("severity: medium", rule);
  REQUIRE(sev != std::string::npos);
  yaml.replace(sev, 16, "severity: high");
  WriteFileBytes(dir + "/contacts.yaml", yaml);
  return dir;
}

// An officer's key pair root/keys/officer.{key,pub}.
void Keygen(const std::string& root) {
  fs::create_directories(root + "/keys");
  ProcessResult r = Rules({"keygen", "--out", root + "/keys/officer"});
  INFO(dlp::test::Out(r));
  REQUIRE(r.status == 0);
}

std::string Build(const std::string& root, const std::string& pack, int version) {
  std::string out = root + "/built/v" + std::to_string(version) + ".dlpb";
  fs::create_directories(root + "/built");
  ProcessResult r = Rules({"build", pack, "--key", root + "/keys/officer.key", "--version",
                           std::to_string(version), "--out", out});
  INFO(dlp::test::Out(r));
  REQUIRE(r.status == 0);
  return out;
}

// Publishes bytes as the server's file the way a web server's content is replaced (new file,
// rename), with an mtime `age_s` seconds from now so that nginx's ETag (mtime-size) changes even
// when two versions have the same size and are published within one second.
void Publish(const std::string& path, const std::string& bytes, int age_s) {
  WriteFileBytes(path + ".new", bytes);
  utimbuf t{std::time(nullptr) + age_s, std::time(nullptr) + age_s};
  utime((path + ".new").c_str(), &t);
  fs::rename(path + ".new", path);
}

int CountMatches(const std::string& text, const std::string& re) {
  std::regex r(re);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), r),
                                        std::sregex_iterator()));
}

std::vector<std::string> FleetFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("fleet-", 0) == 0) out.push_back(e.path().string());
  return out;
}

json StatusOf(const std::string& socket) {
  Client c(socket);
  return c.Call({{"op", "status"}});
}

}  // namespace

TEST_CASE("fleet: bundles over HTTPS from nginx: new picked up, tampered and older refused, 304, "
          "server down and back", "[fleet][updates]") {
  if (!HaveTools("the nginx update test")) return;
  dlp::test::TempDir t("updates");
  const std::string root = t.path();
  std::string error;
  fs::create_directories(root + "/pki");
  REQUIRE(dlp::test::MakeTestPki(root + "/pki", &error));
  Keygen(root);
  std::string pack = EmailHighPack(root);
  std::string v5 = ReadFileBytes(Build(root, pack, 5));
  std::string v6 = ReadFileBytes(Build(root, pack, 6));
  std::string v4 = ReadFileBytes(Build(root, pack, 4));
  std::string v7 = ReadFileBytes(Build(root, pack, 7));
  size_t at = v7.find("severity: high");
  REQUIRE(at != std::string::npos);
  v7.replace(at, 14, "severity: info");  // changed after signing: only the hashes can tell

  const int port = dlp::test::FreePort();
  Nginx nginx(root + "/nginx", root + "/pki", port);
  const std::string served = nginx.www() + "/current.dlpb";
  Publish(served, v5, -100);
  REQUIRE(nginx.Start(&error));

  // Settings through the configuration file, as the package ships them.
  WriteFileBytes(root + "/agentd.conf",
                 "# test\nupdate-url = " + nginx.Url("current.dlpb") + "\nupdate-ca = \"" + root +
                     "/pki/ca.pem\"\nupdate-interval = 1\nupdate-max-backoff = 2\n");
  FleetAgentd d(root + "/agent", {"--config", root + "/agentd.conf"});
  fs::copy_file(root + "/keys/officer.pub", d.trusted_dir() + "/officer.pub");
  d.Start();
  Client c(d.socket());

  // 1. The published bundle is downloaded, verified and activated.
  json s;
  bool got = WaitUntil([&] { s = StatusOf(d.socket()); return s["bundle"]["version"] == 5; }, 120000);
  INFO("status: " << s.dump() << "\nagentd log:\n" << d.Log() << "\nnginx access log:\n"
                  << nginx.AccessLog());
  REQUIRE(got);
  CHECK(s["bundle"]["source"] == "signed");
  CHECK(c.Call(dlp::test::ScanRequest(dlp::test::kEmailText, dlp::test::kPublicAi))["action"] ==
        "block");
  CHECK(FleetFiles(d.bundle_dir()).size() == 1);
  CHECK(fs::is_empty(d.bundle_dir() + "/.staging"));

  // 2. Conditional requests: the unchanged file is answered 304, never downloaded again.
  REQUIRE(WaitUntil([&] { return CountMatches(nginx.AccessLog(), "current\\.dlpb HTTP/1\\.1\" 304") >= 2; },
                    15000));
  CHECK(CountMatches(nginx.AccessLog(), "current\\.dlpb HTTP/1\\.1\" 200") == 1);

  // 3. A tampered newer bundle: refused, the active rules stay, fetched once only.
  Publish(served, v7, -90);
  REQUIRE(WaitUntil([&] { return d.Log().find("update from") != std::string::npos &&
                                 d.Log().find("refused") != std::string::npos; }, 20000));
  CHECK(StatusOf(d.socket())["bundle"]["version"] == 5);
  // The updater deletes a refused download just after the bundle manager has logged the refusal.
  CHECK(WaitUntil([&] { return FleetFiles(d.bundle_dir()).size() == 1; }, 10000));
  int gets_200 = CountMatches(nginx.AccessLog(), "current\\.dlpb HTTP/1\\.1\" 200");
  int gets_304 = CountMatches(nginx.AccessLog(), "current\\.dlpb HTTP/1\\.1\" 304");
  REQUIRE(WaitUntil([&] { return CountMatches(nginx.AccessLog(), "current\\.dlpb HTTP/1\\.1\" 304") >=
                                 gets_304 + 2; }, 15000));
  CHECK(CountMatches(nginx.AccessLog(), "current\\.dlpb HTTP/1\\.1\" 200") == gets_200);
  CHECK(c.Call(dlp::test::ScanRequest(dlp::test::kEmailText, dlp::test::kPublicAi))["action"] ==
        "block");

  // 4. An older, validly signed bundle: a rollback, refused.
  Publish(served, v4, -80);
  REQUIRE(WaitUntil([&] { return d.Log().find("version 4 is not newer than the active version 5") !=
                                 std::string::npos; }, 20000));
  CHECK(StatusOf(d.socket())["bundle"]["version"] == 5);
  // The updater deletes a refused download just after the bundle manager has logged the refusal.
  CHECK(WaitUntil([&] { return FleetFiles(d.bundle_dir()).size() == 1; }, 10000));

  // 5. The server goes away; v6 is published meanwhile; the server comes back on the same port.
  nginx.Stop();
  Publish(served, v6, -70);
  size_t log_mark = d.Log().size();
  REQUIRE(WaitUntil([&] { return d.Log().find("update check failed (2 in a row)", log_mark) !=
                                 std::string::npos; }, 20000));
  CHECK(StatusOf(d.socket())["bundle"]["version"] == 5);
  REQUIRE(nginx.Start(&error));
  got = WaitUntil([&] { s = StatusOf(d.socket()); return s["bundle"]["version"] == 6; }, 60000);
  REQUIRE(got);
  // Logged once the check that activated v6 has returned: a moment after the status shows it.
  CHECK(WaitUntil([&] { return d.Log().find("reachable again", log_mark) != std::string::npos; },
                  10000));
  std::vector<std::string> files = FleetFiles(d.bundle_dir());
  REQUIRE(files.size() == 1);  // the v5 download was removed once v6 was active
  CHECK(ReadFileBytes(files[0]) == v6);

  // 6. After a restart the saved validators make the first request conditional.
  d.Stop();
  size_t access_mark = nginx.AccessLog().size();
  d.Start();
  REQUIRE(WaitUntil([&] { return nginx.AccessLog().size() > access_mark; }, 15000));
  WaitUntil([] { return false; }, 300);
  std::string after = nginx.AccessLog().substr(access_mark);
  CHECK(CountMatches(after, "current\\.dlpb HTTP/1\\.1\" 304") >= 1);
  CHECK(CountMatches(after, "current\\.dlpb HTTP/1\\.1\" 200") == 0);
  CHECK(StatusOf(d.socket())["bundle"]["version"] == 6);
}

TEST_CASE("fleet: the update download trusts only the pinned CA and honours ETags",
          "[fleet][updates]") {
  if (!HaveTools("the TLS pinning test")) return;
  dlp::test::TempDir t("pinning");
  std::string error;
  fs::create_directories(t.path() + "/pki");
  REQUIRE(dlp::test::MakeTestPki(t.path() + "/pki", &error));
  const int port = dlp::test::FreePort();
  Nginx nginx(t.path() + "/nginx", t.path() + "/pki", port);
  WriteFileBytes(nginx.www() + "/b.dlpb", "not a bundle, the updater does not care here");
  REQUIRE(nginx.Start(&error));
  dlp::fleet::GlobalInit();
  dlp::fleet::FetchRequest req;
  req.url = nginx.Url("b.dlpb");
  dlp::fleet::FetchResult r;
  std::string out = t.path() + "/out";

  req.ca_file = t.path() + "/pki/ca.pem";
  dlp::Status st = dlp::fleet::Fetch(req, out, &r);
  INFO(st.ToString());
  REQUIRE(st.ok());
  CHECK(r.http_code == 200);
  CHECK_FALSE(r.etag.empty());
  CHECK_FALSE(r.last_modified.empty());
  CHECK(ReadFileBytes(out) == "not a bundle, the updater does not care here");

  req.etag = r.etag;
  req.last_modified = r.last_modified;
  REQUIRE(dlp::fleet::Fetch(req, out, &r).ok());
  CHECK(r.not_modified);
  CHECK(r.http_code == 304);

  req.etag.clear();
  req.last_modified.clear();
  req.ca_file = t.path() + "/pki/other-ca.pem";  // pinned to another CA
  CHECK_FALSE(dlp::fleet::Fetch(req, out, &r).ok());
  req.ca_file.clear();  // the system store does not know the test CA
  CHECK_FALSE(dlp::fleet::Fetch(req, out, &r).ok());
  req.url = nginx.Url("missing.dlpb");
  req.ca_file = t.path() + "/pki/ca.pem";
  st = dlp::fleet::Fetch(req, out, &r);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("404") != std::string::npos);
}

TEST_CASE("fleet: a directory source (USB delivery) installs the newest bundle in it",
          "[fleet][updates]") {
  dlp::test::TempDir t("usb");
  const std::string root = t.path();
  Keygen(root);
  std::string pack = EmailHighPack(root);
  fs::create_directories(root + "/usb");
  fs::copy_file(Build(root, pack, 8), root + "/usb/rules-8.dlpb");
  fs::copy_file(Build(root, pack, 3), root + "/usb/rules-3.dlpb");
  FleetAgentd d(root + "/agent", {"--update-url", "file://" + root + "/usb/", "--update-interval", "1"});
  fs::copy_file(root + "/keys/officer.pub", d.trusted_dir() + "/officer.pub");
  d.Start();
  json s;
  bool got = WaitUntil([&] { s = StatusOf(d.socket()); return s["bundle"]["version"] == 8; }, 120000);
  INFO("status: " << s.dump() << "\nagentd log:\n" << d.Log());
  REQUIRE(got);
  CHECK(FleetFiles(d.bundle_dir()).size() == 1);
  // The updater's state in `status` (the bundle manager answers before the updater reports).
  REQUIRE(WaitUntil([&] {
    s = StatusOf(d.socket());
    return s["fleet"]["updates"]["installed_version"] == 8;
  }, 10000));
  const json& u = s["fleet"]["updates"];
  CHECK(u["source"] == "file://" + root + "/usb/");
  CHECK((u["last_result"] == "installed" || u["last_result"] == "not_modified"));
  CHECK(std::regex_match(u["last_check"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  CHECK(u["next_check"].is_string());
  CHECK(u["consecutive_errors"] == 0);
  CHECK(s["fleet"]["siem"].is_null());
  ProcessResult ctl = dlp::test::RunProcess(DLP_AGENTCTL_BIN, {"--socket", d.socket(), "status"}, "");
  INFO(dlp::test::Out(ctl));
  CHECK(ctl.out.find("updates: file://" + root + "/usb/") != std::string::npos);
  CHECK(ctl.out.find("next check ") != std::string::npos);
}

TEST_CASE("fleet: as the packaged service, downloads go to the state directory, seen through "
          "the bundle directory's links; refusals and errors show in status", "[fleet][updates]") {
  dlp::test::TempDir t("update-dir");
  const std::string root = t.path();
  Keygen(root);
  std::string pack = EmailHighPack(root);
  fs::create_directories(root + "/usb");
  const std::string downloads = root + "/agent/state/bundles";
  FleetAgentd d(root + "/agent", {"--update-url", root + "/usb", "--update-interval", "1",
                                  "--update-max-backoff", "1", "--update-dir", downloads});
  fs::copy_file(root + "/keys/officer.pub", d.trusted_dir() + "/officer.pub");

  // Without the links the updater would download into a directory nobody reads: disabled, said
  // in the log and in status, and the service protects with what it has.
  d.Start();
  json s = StatusOf(d.socket());
  INFO("status: " << s.dump() << "\nagentd log:\n" << d.Log());
  CHECK(s["fleet"]["updates"]["last_result"] == "disabled");
  CHECK(s["fleet"]["updates"]["message"].get<std::string>().find("must be a symbolic link to " +
                                                                 downloads + "/fleet-a.dlpb") !=
        std::string::npos);
  d.Stop();

  // The package's layout: a root-owned bundle directory with two links into the state.
  for (const char* slot : {"fleet-a.dlpb", "fleet-b.dlpb"})
    fs::create_symlink(downloads + "/" + slot, d.bundle_dir() + "/" + slot);
  fs::copy_file(Build(root, pack, 11), root + "/usb/rules.dlpb");
  d.Start();
  bool got = WaitUntil([&] { s = StatusOf(d.socket()); return s["bundle"]["version"] == 11; }, 60000);
  REQUIRE(got);
  CHECK(ReadFileBytes(downloads + "/fleet-a.dlpb") == ReadFileBytes(root + "/usb/rules.dlpb"));
  CHECK_FALSE(fs::exists(d.bundle_dir() + "/.staging"));  // nothing written beside the links

  // The next version goes to the other slot; the first is removed once it is active.
  fs::copy_file(Build(root, pack, 12), root + "/usb/rules-12.dlpb");
  got = WaitUntil([&] { s = StatusOf(d.socket()); return s["bundle"]["version"] == 12; }, 60000);
  REQUIRE(got);
  REQUIRE(WaitUntil([&] { return !fs::exists(downloads + "/fleet-a.dlpb"); }, 10000));
  CHECK(ReadFileBytes(downloads + "/fleet-b.dlpb") == ReadFileBytes(root + "/usb/rules-12.dlpb"));

  // A tampered newer bundle: refused, shown as refused with the reason, v12 stays in its slot.
  std::string v13 = ReadFileBytes(Build(root, pack, 13));
  size_t at = v13.find("severity: high");
  REQUIRE(at != std::string::npos);
  v13.replace(at, 14, "severity: info");
  WriteFileBytes(root + "/usb/rules-13.dlpb", v13);
  got = WaitUntil([&] {
    s = StatusOf(d.socket());
    return s["fleet"]["updates"]["last_result"] == "refused";
  }, 30000);
  INFO("status: " << s.dump());
  REQUIRE(got);
  CHECK_FALSE(s["fleet"]["updates"]["message"].get<std::string>().empty());
  CHECK(s["bundle"]["version"] == 12);
  CHECK(WaitUntil([&] { return !fs::exists(downloads + "/fleet-a.dlpb"); }, 10000));
  CHECK(fs::exists(downloads + "/fleet-b.dlpb"));
  ProcessResult ctl = dlp::test::RunProcess(DLP_AGENTCTL_BIN, {"--socket", d.socket(), "status"}, "");
  CHECK(ctl.out.find("refused: ") != std::string::npos);

  // The source goes away: an error, counted.
  fs::remove_all(root + "/usb");
  got = WaitUntil([&] {
    s = StatusOf(d.socket());
    return s["fleet"]["updates"]["last_result"] == "error" &&
           s["fleet"]["updates"]["consecutive_errors"].get<int>() >= 2;
  }, 30000);
  INFO("status: " << s.dump());
  CHECK(got);
  CHECK(s["bundle"]["version"] == 12);
}
