// dlp-agentctl's commands: the command line as parsed, and one function per command. Each
// returns the process's exit status.
#ifndef DLP_SERVICE_CTL_COMMANDS_H_
#define DLP_SERVICE_CTL_COMMANDS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace dlp::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitTampered = 1;  // audit verify: the chain is broken
inline constexpr int kExitError = 3;     // usage, service down, error reply, unreadable input

struct CommandLine {
  std::vector<std::string> words;             // the command, its subcommand and positionals
  std::map<std::string, std::string> values;  // --name VALUE
  std::set<std::string> flags;                // --name
  bool user = false;                          // --user: the user-mode service and paths
  std::string socket;                         // --socket PATH, else the default
  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::string value(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// Prints "dlp-agentctl: <message>" on stderr and returns kExitError.
int Fail(const std::string& message);
// Fails unless every option given is one of `allowed` (the global ones always are).
bool OnlyOptions(const CommandLine& cl, const std::set<std::string>& allowed, int* exit_code);

// Talking to the service (cmd_service.cc).
int CmdStatus(const CommandLine& cl);
int CmdScan(const CommandLine& cl);
int CmdHistory(const CommandLine& cl);
int CmdDecide(const CommandLine& cl);
int CmdReload(const CommandLine& cl);

// Reading the audit database directly, for officers (cmd_audit.cc).
int CmdAuditVerify(const CommandLine& cl);
int CmdAuditExport(const CommandLine& cl);

}  // namespace dlp::ctl

#endif  // DLP_SERVICE_CTL_COMMANDS_H_
