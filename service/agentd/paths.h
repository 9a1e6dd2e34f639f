// Where dlp-agentd keeps things: the system layout (root service) or the XDG layout of a user.
#ifndef DLP_SERVICE_AGENTD_PATHS_H_
#define DLP_SERVICE_AGENTD_PATHS_H_

#include <string>

#include "dlp/status.h"

namespace dlp::agentd {

struct Paths {
  bool user_mode = false;
  std::string socket;        // /run/dlp-agent/agent.sock | $XDG_RUNTIME_DIR/dlp-agent/agent.sock
  std::string state_dir;     // /var/lib/dlp-agent | $XDG_STATE_HOME/dlp-agent: audit.db, key, cache
  std::string bundle_dir;    // /etc/dlp-agent/bundles | $XDG_CONFIG_HOME/dlp-agent/bundles
  std::string trusted_keys;  // /etc/dlp-agent/trusted-keys | $XDG_CONFIG_HOME/dlp-agent/trusted-keys
  std::string audit_db() const { return state_dir + "/audit.db"; }
  std::string install_key() const { return state_dir + "/install.key"; }
  std::string cache_dir() const { return state_dir + "/cache"; }
  std::string active_file() const { return state_dir + "/active-bundle.json"; }
};

Paths DefaultPaths(bool user_mode);
// Creates the directories the service writes to (state, cache, socket's) with owner-only modes.
Status PrepareDirectories(const Paths& p);

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_PATHS_H_
