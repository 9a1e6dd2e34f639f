// dlp-agentd's configuration file (/etc/dlp-agent/agentd.conf, a dpkg conffile): one
// "key = value" per line, '#' starts a comment line, blank lines are ignored, a value may be
// wrapped in double quotes (kept verbatim inside). Every key is the name of a command-line flag
// without its "--", so the file and the flags cannot drift apart: the file is turned into flags
// that go before the command line's, and a flag given on the command line wins.
#ifndef DLP_SERVICE_FLEET_CONFIG_FILE_H_
#define DLP_SERVICE_FLEET_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "dlp/status.h"

namespace dlp::fleet {

// Appends {"--key", "value"} for each setting of the file to *args. NotFound when the file does
// not exist; InvalidArgument naming "path:line" for a line that is not "key = value".
Status ReadConfigFile(const std::string& path, std::vector<std::string>* args);

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_CONFIG_FILE_H_
