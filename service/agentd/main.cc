// dlp-agentd: the leak-prevention service. All scanning decisions are made here; the browser
// hook, the tray and dlp-agentctl only ask over the local socket (service/PROTOCOL.md).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "agentd/bundle_manager.h"
#include "agentd/dir_watch.h"
#include "agentd/handler.h"
#include "agentd/log.h"
#include "agentd/paths.h"
#include "agentd/server.h"
#include "audit/audit_log.h"
#include "fleet/config_file.h"
#include "fleet/syslog_forwarder.h"
#include "fleet/updater.h"

namespace {

const char kUsage[] =
    "Usage: dlp-agentd [--user] [options]\n"
    "  --user               run as a plain user process with XDG directories (development, demos)\n"
    "  --socket PATH        listen here instead of the default socket\n"
    "  --state-dir DIR      audit log, install key, compiled-rule cache\n"
    "  --bundle-dir DIR     signed rule bundles (*.dlpb) to load and watch\n"
    "  --trusted-keys DIR   officers' public keys (*.pub) that may sign bundles\n"
    "  --workers N          scan threads (default: number of CPUs, at most 8)\n"
    "  --retention-days N   delete incidents older than N days (default 365)\n"
    "  --poll-ms N          how often the bundle directory is checked where inotify is\n"
    "                       unavailable (default 2000; with inotify, changes are seen at once)\n"
    "  --config FILE        settings as key = value lines, keys named as these flags (default\n"
    "                       /etc/dlp-agent/agentd.conf, or agentd.conf in the user's XDG config\n"
    "                       directory with --user); flags given here win over the file\n"
    "Fleet (docs/FLEET.md):\n"
    "  --update-url URL     poll https://, http://, file:// or a directory for the current bundle\n"
    "  --update-interval S  seconds between checks, jittered +/-25% (default 900)\n"
    "  --update-max-backoff S  longest wait after repeated errors (default 3600)\n"
    "  --update-ca FILE     trust only this CA (PEM) for the update server\n"
    "  --update-dir DIR     where downloads are kept (default: the bundle directory with --user,\n"
    "                       STATE-DIR/bundles for the system service, seen by the bundle\n"
    "                       manager through the links BUNDLE-DIR/fleet-a.dlpb, fleet-b.dlpb)\n"
    "  --siem URL           forward incidents as RFC 5424 syslog: tls://HOST:PORT (RFC 5425) or\n"
    "                       tcp://HOST:PORT (plain, for a relay on this machine)\n"
    "  --siem-ca FILE       trust only this CA (PEM) for the collector (default: system store)\n"
    "  --siem-cert FILE, --siem-key FILE  client certificate and key (PEM) for mutual TLS\n"
    "  --siem-server-name NAME  name (or IP) the collector's certificate must carry (default HOST)\n"
    "  --siem-format F      rfc5424 (structured data, default) or ecs (ECS JSON as the message)\n"
    "  --siem-max-backoff S longest wait between reconnection attempts (default 300)\n";

struct Args {
  bool user = false;
  std::string socket, state_dir, bundle_dir, trusted_keys, config;
  int workers = 0, retention_days = 365, poll_ms = 2000;
  std::string update_url, update_ca, update_dir;
  int update_interval = 900, update_max_backoff = 3600;
  std::string siem, siem_ca, siem_cert, siem_key, siem_server_name, siem_format = "rfc5424";
  int siem_max_backoff = 300;
};

bool Parse(const std::vector<std::string>& argv, Args* a) {
  const size_t argc = argv.size();
  for (size_t i = 0; i < argc; ++i) {
    std::string s = argv[i];
    auto next = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    auto seconds = [&](int* out) {
      std::string v;
      if (!next(&v)) return false;
      *out = std::max(1, std::atoi(v.c_str()));
      return true;
    };
    std::string v;
    if (s == "--help" || s == "-h") { std::cout << kUsage; std::exit(0); }
    else if (s == "--user") a->user = true;
    else if (s == "--config") { if (!next(&a->config)) return false; }
    else if (s == "--update-url") { if (!next(&a->update_url)) return false; }
    else if (s == "--update-ca") { if (!next(&a->update_ca)) return false; }
    else if (s == "--update-dir") { if (!next(&a->update_dir)) return false; }
    else if (s == "--update-interval") { if (!seconds(&a->update_interval)) return false; }
    else if (s == "--update-max-backoff") { if (!seconds(&a->update_max_backoff)) return false; }
    else if (s == "--siem") { if (!next(&a->siem)) return false; }
    else if (s == "--siem-ca") { if (!next(&a->siem_ca)) return false; }
    else if (s == "--siem-cert") { if (!next(&a->siem_cert)) return false; }
    else if (s == "--siem-key") { if (!next(&a->siem_key)) return false; }
    else if (s == "--siem-server-name") { if (!next(&a->siem_server_name)) return false; }
    else if (s == "--siem-format") { if (!next(&a->siem_format)) return false; }
    else if (s == "--siem-max-backoff") { if (!seconds(&a->siem_max_backoff)) return false; }
    else if (s == "--socket") { if (!next(&a->socket)) return false; }
    else if (s == "--state-dir") { if (!next(&a->state_dir)) return false; }
    else if (s == "--bundle-dir") { if (!next(&a->bundle_dir)) return false; }
    else if (s == "--trusted-keys") { if (!next(&a->trusted_keys)) return false; }
    else if (s == "--workers") { if (!next(&v)) return false; a->workers = std::atoi(v.c_str()); }
    else if (s == "--retention-days") { if (!next(&v)) return false; a->retention_days = std::atoi(v.c_str()); }
    else if (s == "--poll-ms") { if (!next(&v)) return false; a->poll_ms = std::max(100, std::atoi(v.c_str())); }
    else { std::cerr << "dlp-agentd: unknown option " << s << "\n" << kUsage; return false; }
  }
  return true;
}

// The configuration file's settings as flags, then the command line's, so the latter win.
// --user and --config are looked for first: they decide which file is read.
bool CollectArgs(int argc, char** argv, std::vector<std::string>* out) {
  std::vector<std::string> cli(argv + 1, argv + argc);
  bool user = false;
  std::string config;
  for (size_t i = 0; i < cli.size(); ++i) {
    if (cli[i] == "--user") user = true;
    if (cli[i] == "--config" && i + 1 < cli.size()) config = cli[i + 1];
  }
  bool required = !config.empty();
  if (!required) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    config = !user ? "/etc/dlp-agent/agentd.conf"
             : xdg && *xdg ? std::string(xdg) + "/dlp-agent/agentd.conf"
                           : std::string(home ? home : "/tmp") + "/.config/dlp-agent/agentd.conf";
  }
  dlp::Status s = dlp::fleet::ReadConfigFile(config, out);
  if (!s.ok() && (required || s.code() != dlp::Status::Code::kNotFound)) {
    std::cerr << "dlp-agentd: " << s.message() << "\n";
    return false;
  }
  out->insert(out->end(), cli.begin(), cli.end());
  return true;
}

// Decision rows of the audit log after a cursor, as the SIEM forwarder reads them: each
// decision goes out as its own message, with the length of the user's reason, never its text.
dlp::Status ReadDecisions(dlp::audit::AuditLog* log, int64_t after, size_t max,
                          std::vector<dlp::fleet::DecisionEvent>* out) {
  std::vector<dlp::audit::DecisionRow> rows;
  dlp::Status s = log->Decisions(after, max, &rows);
  out->clear();
  for (const auto& r : rows) {
    dlp::fleet::DecisionEvent e;
    e.seq = r.seq;
    e.incident_id = r.incident_id;
    e.time = r.time;
    e.uid = r.uid;
    e.user = r.user;
    e.host = r.host;
    e.decision = r.decision;
    e.justification_bytes = r.justification.size();  // never the text itself
    e.hash = r.hash;
    out->push_back(std::move(e));
  }
  return s;
}

// The `fleet` object of the status reply (service/PROTOCOL.md): null for a feature that is not
// configured, last_result "disabled" for one whose settings were refused at start.
nlohmann::json FleetStatusJson(const std::string& update_url, const dlp::fleet::Updater* updater,
                               const std::string& update_disabled, const std::string& siem_url,
                               const dlp::fleet::SyslogForwarder* forwarder,
                               const std::string& siem_disabled) {
  using nlohmann::json;
  auto or_null = [](const std::string& s) { return s.empty() ? json() : json(s); };
  json updates, siem;
  if (updater) {
    dlp::fleet::UpdaterStatus u = updater->GetStatus();
    updates = {{"source", u.source}, {"last_check", or_null(u.last_check)},
               {"last_result", u.last_result}, {"message", or_null(u.message)},
               {"next_check", or_null(u.next_check)}, {"consecutive_errors", u.consecutive_errors},
               {"installed_version", u.installed_version}};
  } else if (!update_url.empty()) {
    updates = {{"source", update_url}, {"last_result", "disabled"}, {"message", update_disabled}};
  }
  if (forwarder) {
    dlp::fleet::ForwarderStatus f = forwarder->GetStatus();
    siem = {{"collector", f.collector}, {"disabled", false}, {"format", f.format},
            {"connected", f.connected},
            {"backlog", f.backlog}, {"backlog_capped", f.backlog_capped},
            {"delivered_incident", f.delivered_incident},
            {"delivered_decision", f.delivered_decision},
            {"last_delivery", or_null(f.last_delivery)}, {"last_error", or_null(f.last_error)},
            {"last_error_time", or_null(f.last_error_time)},
            {"consecutive_failures", f.consecutive_failures}};
  } else if (!siem_url.empty()) {
    siem = {{"collector", siem_url}, {"disabled", true}, {"connected", false},
            {"last_error", siem_disabled}};
  }
  return {{"updates", updates}, {"siem", siem}};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dlp::agentd;
  Args args;
  std::vector<std::string> argl;
  if (!CollectArgs(argc, argv, &argl) || !Parse(argl, &args)) return 2;
  Paths paths = DefaultPaths(args.user);
  if (!args.socket.empty()) paths.socket = args.socket;
  if (!args.state_dir.empty()) paths.state_dir = args.state_dir;
  if (!args.bundle_dir.empty()) paths.bundle_dir = args.bundle_dir;
  if (!args.trusted_keys.empty()) paths.trusted_keys = args.trusted_keys;
  if (dlp::Status s = PrepareDirectories(paths); !s.ok()) { LogError(s.ToString()); return 1; }

  // Signals are taken by one thread with sigwait: SIGHUP reloads, SIGTERM/SIGINT stop.
  sigset_t sigs;
  sigemptyset(&sigs);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&sigs, sig);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<dlp::audit::AuditLog> audit;
  std::string note;
  if (dlp::Status s = dlp::audit::AuditLog::Open(paths.audit_db(), paths.install_key(), &audit, &note); !s.ok()) {
    LogError("cannot open the audit log: " + s.ToString());
    return 1;
  }
  if (!note.empty()) LogWarning(note);
  audit->ApplyRetention(args.retention_days);

  BundleManager bundles(paths);
  if (dlp::Status s = bundles.Start(); !s.ok()) { LogError("no usable rules: " + s.ToString()); return 1; }
  int workers = args.workers > 0 ? args.workers
                                 : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  WorkerPool pool(workers, 1024);
  Subscribers subs;
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  Clients clients;
  Handler handler({DLP_VERSION, args.user ? "user" : "system", host}, &bundles, audit.get(), &pool, &subs, &clients);
  bundles.OnChange([&subs](const ActiveRules& r) {
    subs.Publish(std::nullopt, nlohmann::json({{"v", 1}, {"event", "bundle"}, {"bundle", BundleJson(r)}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
  // Fleet: the updater only drops verified-to-be candidates into the bundle directory and asks
  // the bundle manager, which verifies them as any dropped bundle; the forwarder reads the audit
  // log. Both run on their own threads and never touch a scan.
  std::unique_ptr<dlp::fleet::Updater> updater;
  std::string update_disabled, siem_disabled;  // why a configured feature does not run
  if (!args.update_url.empty()) {
    dlp::fleet::UpdaterOptions uo;
    uo.url = args.update_url;
    uo.ca_file = args.update_ca;
    uo.bundle_dir = paths.bundle_dir;
    // The system service may not write /etc: downloads live in its state directory, and the
    // package's links in the bundle directory show them to the bundle manager.
    uo.download_dir = !args.update_dir.empty() ? args.update_dir
                      : args.user             ? paths.bundle_dir
                                              : paths.state_dir + "/bundles";
    uo.state_dir = paths.state_dir;
    uo.interval_s = args.update_interval;
    uo.max_backoff_s = std::max(args.update_max_backoff, 1);
    dlp::fleet::UpdaterHooks hooks;
    hooks.reload = [&bundles] { bool changed = false; bundles.Reload(&changed); };
    hooks.active = [&bundles](std::string* sha, uint64_t* version) {
      auto a = bundles.Active();
      *sha = a ? a->sha256 : "";
      *version = a ? a->version : 0;
    };
    hooks.refusal = [&bundles](const std::string& file) {
      BundleProblem p;
      return bundles.LastProblem(&p) && p.file == file ? p.message : std::string();
    };
    hooks.info = LogInfo;
    hooks.warning = LogWarning;
    updater = std::make_unique<dlp::fleet::Updater>(uo, hooks);
    // A fleet setting that is wrong must not cost the workstation its protection: the service
    // runs on with the rules it has, and says so.
    if (dlp::Status s = updater->Start(); !s.ok()) {
      LogError("rule updates disabled: " + s.message());
      update_disabled = s.message();
      updater.reset();
    } else {
      LogInfo("rule updates from " + args.update_url + " every " + std::to_string(args.update_interval) + " s");
    }
  }
  std::unique_ptr<dlp::fleet::SyslogForwarder> forwarder;
  if (!args.siem.empty()) {
    dlp::fleet::ForwarderOptions fo;
    fo.url = args.siem;
    fo.ca_file = args.siem_ca;
    fo.cert_file = args.siem_cert;
    fo.key_file = args.siem_key;
    fo.server_name = args.siem_server_name;
    fo.format = args.siem_format;
    fo.state_dir = paths.state_dir;
    fo.max_backoff_s = args.siem_max_backoff;
    dlp::fleet::ForwarderHooks fh;
    fh.info = LogInfo;
    fh.warning = LogWarning;
    fh.decisions = [log = audit.get()](int64_t after, size_t max,
                                       std::vector<dlp::fleet::DecisionEvent>* out) {
      return ReadDecisions(log, after, max, out);
    };
    forwarder = std::make_unique<dlp::fleet::SyslogForwarder>(fo, fh, audit.get());
    if (dlp::Status s = forwarder->Start(); !s.ok()) {
      LogError("incident forwarding disabled: " + s.message());
      siem_disabled = s.message();
      forwarder.reset();
    } else {
      // Every row the service writes wakes the forwarder (it sleeps otherwise).
      // The safety net (fo.idle_wait_ms, 5 min) covers rows written by another process.
      audit->SetOnWrite([f = forwarder.get()](int64_t) { f->Notify(); });
      LogInfo("incidents forwarded to " + args.siem + " (" + args.siem_format + "; " +
              "woken by each audit row, decisions as their own messages)");
    }
  }
  handler.SetFleetStatus([&] {
    return FleetStatusJson(args.update_url, updater.get(), update_disabled, args.siem,
                           forwarder.get(), siem_disabled);
  });
  ServerOptions so;
  so.socket_path = paths.socket;
  so.socket_mode = args.user ? 0600 : 0666;  // system mode: every user asks; SO_PEERCRED tells them apart
  Server server(so, &handler, &subs);
  if (dlp::Status s = server.Listen(); !s.ok()) { LogError(s.ToString()); return 1; }
  LogInfo("listening on " + paths.socket + " (" + (args.user ? "user" : "system") + " mode, " +
          std::to_string(workers) + " workers)");

  std::thread signals([&] {
    while (true) {
      int sig = 0;
      sigwait(&sigs, &sig);
      if (sig == SIGHUP) {
        bool changed = false;
        bundles.Reload(&changed);
        continue;
      }
      server.Stop();
      return;
    }
  });
  // A bundle dropped into the directory is picked up at once (inotify), and an idle service
  // never wakes up; polling every --poll-ms only where inotify is unavailable.
  DirWatchOptions wo;
  wo.dirs = {paths.bundle_dir};
  wo.poll_ms = args.poll_ms;
  DirWatch watcher(wo, [&] {
    bool changed = false;
    bundles.Reload(&changed);
  });
  if (dlp::Status s = watcher.Start(); !s.ok()) { LogError(s.ToString()); return 1; }
  LogInfo("watching " + paths.bundle_dir + " for bundles: " + watcher.mode());
  server.Run();
  watcher.Stop();
  signals.join();
  if (updater) updater->Stop();
  if (forwarder) forwarder->Stop();
  LogInfo("stopped");
  return 0;
}
