// dlp-agentd: the leak-prevention service. All scanning decisions are made here; the browser
// hook, the tray and dlp-agentctl only ask over the local socket (service/PROTOCOL.md).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <thread>

#include "agentd/bundle_manager.h"
#include "agentd/handler.h"
#include "agentd/log.h"
#include "agentd/paths.h"
#include "agentd/server.h"
#include "audit/audit_log.h"

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
    "  --poll-ms N          how often the bundle directory is checked (default 2000)\n";

struct Args {
  bool user = false;
  std::string socket, state_dir, bundle_dir, trusted_keys;
  int workers = 0, retention_days = 365, poll_ms = 2000;
};

bool Parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto next = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (s == "--help" || s == "-h") { std::cout << kUsage; std::exit(0); }
    else if (s == "--user") a->user = true;
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

}  // namespace

int main(int argc, char** argv) {
  using namespace dlp::agentd;
  Args args;
  if (!Parse(argc, argv, &args)) return 2;
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
  Handler handler({"0.1.0", args.user ? "user" : "system", host}, &bundles, audit.get(), &pool, &subs, &clients);
  bundles.OnChange([&subs](const ActiveRules& r) {
    subs.Publish(std::nullopt, nlohmann::json({{"v", 1}, {"event", "bundle"}, {"bundle", BundleJson(r)}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
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
  std::atomic<bool> running{true};
  std::thread watcher([&] {
    // Polling, not inotify: works the same on every filesystem, and a 2 s delay is fine for
    // rule updates that come from a fleet server every few minutes at best.
    while (running) {
      for (int waited = 0; waited < args.poll_ms && running; waited += 100)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      bool changed = false;
      if (running) bundles.Reload(&changed);
    }
  });
  server.Run();
  running = false;
  watcher.join();
  signals.join();
  LogInfo("stopped");
  return 0;
}
