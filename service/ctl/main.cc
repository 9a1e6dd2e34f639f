// dlp-agentctl: a small command-line client of dlp-agentd (service/PROTOCOL.md) for users,
// administrators and officers: ask for a verdict, see and answer one's own incidents, check the
// service and its rules, and (officers) verify or export the audit log.
//
// Exit status: 0 ok (scan: allow), 1 scan: warn / audit verify: tampered, 2 scan: block,
// 3 error (usage, the service is not running, an error reply, unreadable input).
#include <signal.h>

#include <iostream>
#include <string>

#include "ctl/commands.h"

namespace dlp::ctl {
namespace {

const char kUsage[] =
    "Usage: dlp-agentctl [--socket PATH] [--user] COMMAND [options]\n"
    "Talks to dlp-agentd, the leak-prevention service, over its local socket.\n\n"
    "  status [--json]                      service version, active rules and signer, health\n"
    "  scan [FILE|-] [--channel C] [--destination D] [--redact] [--no-record] [--json]\n"
    "                                       ask for a verdict on a file or standard input;\n"
    "                                       C: clipboard|paste|drop|submit|upload|file (default\n"
    "                                       file, or paste for stdin), D: URL, host, app id or\n"
    "                                       group (default public_ai)\n"
    "  history [--limit N] [--before ID] [--json]   your own incidents, newest first\n"
    "  decide INCIDENT cancel|continue|false_alarm [--reason TEXT] [--json]\n"
    "                                       answer a warning (continue and false_alarm need a\n"
    "                                       reason)\n"
    "  reload [--json]                      look for new signed rule bundles now\n"
    "Officers (read the audit database directly; the service need not run):\n"
    "  audit verify [--db PATH]             check the hash chain; names the first bad row\n"
    "  audit export --format ndjson [--db PATH] [--after ID]\n"
    "                                       incidents as Elastic Common Schema JSON lines\n\n"
    "  --socket PATH   the service's socket (default: $DLP_AGENT_SOCKET, else\n"
    "                  /run/dlp-agent/agent.sock, or with --user\n"
    "                  $XDG_RUNTIME_DIR/dlp-agent/agent.sock)\n"
    "  --user          the user-mode service (dlp-agentd --user) and its XDG paths; the audit\n"
    "                  database defaults to /var/lib/dlp-agent/audit.db, or with --user\n"
    "                  $XDG_STATE_HOME/dlp-agent/audit.db\n\n"
    "Exit status: 0 ok (scan: allow), 1 scan: warn / audit verify: tampered, 2 scan: block,\n"
    "3 error (usage, service not running, error reply).\n";

const std::set<std::string> kValueOptions = {"--socket", "--channel", "--destination", "--app",
                                             "--limit",  "--before",  "--reason",      "--db",
                                             "--format", "--after"};
const std::set<std::string> kFlagOptions = {"--user", "--json", "--redact", "--no-record",
                                            "--help"};

bool Parse(int argc, char** argv, CommandLine* cl, std::string* err) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {  // everything after is positional (a file named "--json")
      for (++i; i < argc; ++i) cl->words.push_back(argv[i]);
      break;
    }
    if (a == "-h") a = "--help";
    if (a.size() < 2 || a[0] != '-') {
      cl->words.push_back(a);
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (size_t eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    if (kFlagOptions.count(a)) {
      if (inline_value) { *err = a + " takes no value"; return false; }
      cl->flags.insert(a);
    } else if (kValueOptions.count(a)) {
      if (!inline_value) {
        if (i + 1 >= argc) { *err = a + " needs a value"; return false; }
        value = argv[++i];
      }
      cl->values[a] = value;
    } else {
      *err = "unknown option " + a;
      return false;
    }
  }
  cl->user = cl->flags.count("--user") > 0;
  cl->socket = cl->value("--socket");
  return true;
}

}  // namespace

int Fail(const std::string& message) {
  std::cerr << "dlp-agentctl: " << message << "\n";
  return kExitError;
}

bool OnlyOptions(const CommandLine& cl, const std::set<std::string>& allowed, int* exit_code) {
  for (const auto& f : cl.flags) {
    if (f == "--user" || allowed.count(f)) continue;
    *exit_code = Fail(f + " does not apply to '" + cl.words[0] + "'");
    return false;
  }
  for (const auto& [name, v] : cl.values) {
    if (name == "--socket" || allowed.count(name)) continue;
    *exit_code = Fail(name + " does not apply to '" + cl.words[0] + "'");
    return false;
  }
  return true;
}

}  // namespace dlp::ctl

int main(int argc, char** argv) {
  using namespace dlp::ctl;
  signal(SIGPIPE, SIG_IGN);  // `audit export | head`: a closed pipe is a write error, not death
  CommandLine cl;
  std::string err;
  if (!Parse(argc, argv, &cl, &err)) return Fail(err + "\n\n" + kUsage);
  if (cl.flags.count("--help") || (!cl.words.empty() && cl.words[0] == "help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (cl.words.empty()) {
    std::cerr << kUsage;
    return kExitError;
  }
  const std::string& cmd = cl.words[0];
  if (cmd == "status") return CmdStatus(cl);
  if (cmd == "scan") return CmdScan(cl);
  if (cmd == "history") return CmdHistory(cl);
  if (cmd == "decide") return CmdDecide(cl);
  if (cmd == "reload") return CmdReload(cl);
  if (cmd == "audit") {
    std::string sub = cl.words.size() > 1 ? cl.words[1] : "";
    if (sub == "verify") return CmdAuditVerify(cl);
    if (sub == "export") return CmdAuditExport(cl);
    return Fail("audit needs a subcommand: verify or export");
  }
  return Fail("unknown command '" + cmd + "'\n\n" + kUsage);
}
