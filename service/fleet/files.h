// Small file helpers shared by the updater and the SIEM forwarder: their state files must
// survive a power cut half-way through a write, and downloads are identified by content.
#ifndef DLP_SERVICE_FLEET_FILES_H_
#define DLP_SERVICE_FLEET_FILES_H_

#include <string>

#include "dlp/status.h"

namespace dlp::fleet {

// Writes `bytes` to path through "<path>.tmp" + fsync + rename: a reader sees the old or the
// new content, never a torn one.
Status WriteFileAtomic(const std::string& path, const std::string& bytes);
// The whole file; NotFound when it does not exist.
Status ReadWholeFile(const std::string& path, std::string* out);
// SHA-256 of a file's content, lower-case hex.
Status Sha256OfFile(const std::string& path, std::string* hex);
// 2*n random hex digits from the system's CSPRNG.
std::string RandomHex(int n);

}  // namespace dlp::fleet

#endif  // DLP_SERVICE_FLEET_FILES_H_
