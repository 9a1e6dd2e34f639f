// The reply to a successful `scan` (service/PROTOCOL.md), as parts. The server writes it straight
// to bytes (WriteScanReply) instead of building an nlohmann::json object and dumping it: for a
// big paste with hundreds of findings that object cost more than everything else the service
// does around the scan. ScanReplyJson is the same reply as an object (Handler::Handle(json), the
// fuzzer); WriteScanReply writes exactly what ScanReplyJson(r).dump(-1, ' ', false,
// error_handler_t::replace) would, keys in the same (sorted) order.
//
// Thread safety: plain data and reentrant functions.
#ifndef DLP_SERVICE_AGENTD_SCAN_REPLY_H_
#define DLP_SERVICE_AGENTD_SCAN_REPLY_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlp::agentd {

struct ScanReplyFinding {
  // Views into the scan result and the rule pack, which outlive the reply.
  std::string_view rule, type, severity, masked, name_vi, name_en;
  uint64_t start = 0, end = 0;
};

struct ScanReply {
  nlohmann::json id;  // echoed
  std::string action, group;
  std::vector<ScanReplyFinding> findings;
  std::vector<size_t> justifying;
  std::string message_vi, message_en;
  bool may_override = false, needs_justification = false;
  std::string bundle_name;
  uint64_t bundle_version = 0;
  std::optional<int64_t> incident;
  std::optional<std::string> redacted;
};

nlohmann::json ScanReplyJson(const ScanReply& r);
void WriteScanReply(const ScanReply& r, std::string* out);

}  // namespace dlp::agentd

#endif  // DLP_SERVICE_AGENTD_SCAN_REPLY_H_
